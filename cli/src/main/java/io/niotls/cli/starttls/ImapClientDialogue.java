package io.niotls.cli.starttls;

import java.util.Locale;

/**
 * The client side of IMAP up to STARTTLS (RFC 3501 6.2.1, RFC 2595 3.1): wait for the {@code * OK}
 * greeting, ask for CAPABILITY, check that it lists STARTTLS, send STARTTLS, and on its tagged OK
 * start TLS. Once TLS is up it asks for CAPABILITY again, as RFC 3501 asks of clients. Commands are
 * tagged {@code a001}, {@code a002}, {@code a003}. Not thread-safe: one per connection.
 */
public final class ImapClientDialogue implements ClientDialogue {
  private enum Phase {
    GREETING,
    CAPABILITY_SENT,
    STARTTLS_SENT,
    DONE
  }

  private Phase phase = Phase.GREETING;
  private boolean offersStartTls;

  @Override
  public String protocol() {
    return "IMAP";
  }

  @Override
  public boolean done() {
    return phase == Phase.DONE;
  }

  @Override
  public Step onLine(String line) {
    String upper = line.toUpperCase(Locale.ROOT);
    switch (phase) {
      case GREETING:
        if (upper.startsWith("* PREAUTH")) {
          return fail(
              "the server greeted with PREAUTH: the session is authenticated already, and STARTTLS"
                  + " is not allowed then (RFC 3501 6.2.1): "
                  + line);
        }
        if (!upper.startsWith("* OK")) {
          return fail("the server did not greet with * OK: " + line);
        }
        phase = Phase.CAPABILITY_SENT;
        return Step.send("a001 CAPABILITY");
      case CAPABILITY_SENT:
        if (upper.startsWith("* CAPABILITY ")) {
          for (String capability : upper.substring(13).split(" +")) {
            offersStartTls |= capability.equals("STARTTLS");
          }
          return Step.read();
        }
        if (upper.startsWith("* ")) {
          return Step.read();
        }
        if (!upper.startsWith("A001 OK")) {
          return fail("the server refused CAPABILITY: " + line);
        }
        if (!offersStartTls) {
          return fail("the server does not offer STARTTLS in its CAPABILITY reply");
        }
        phase = Phase.STARTTLS_SENT;
        return Step.send("a002 STARTTLS");
      case STARTTLS_SENT:
        if (upper.startsWith("* ")) {
          return Step.read();
        }
        if (!upper.startsWith("A002 OK")) {
          return fail("the server refused STARTTLS: " + line);
        }
        phase = Phase.DONE;
        return Step.startTls();
      default:
        throw new IllegalStateException("the IMAP dialogue is over");
    }
  }

  @Override
  public String afterTls() {
    return "a003 CAPABILITY\r\n";
  }

  private Step fail(String why) {
    phase = Phase.DONE;
    return Step.fail(why);
  }
}
