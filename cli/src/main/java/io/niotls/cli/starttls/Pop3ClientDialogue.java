package io.niotls.cli.starttls;

import java.util.Locale;

/**
 * The client side of POP3 up to STLS (RFC 2595 4, RFC 2449): wait for the {@code +OK} greeting, ask
 * for CAPA, check that the list names STLS, send STLS, and on its {@code +OK} start TLS. Once TLS
 * is up it asks for CAPA again, as RFC 2595 asks of clients. Not thread-safe: one per connection.
 */
public final class Pop3ClientDialogue implements ClientDialogue {
  private enum Phase {
    GREETING,
    CAPA_SENT,
    CAPA_LIST,
    STLS_SENT,
    DONE
  }

  private Phase phase = Phase.GREETING;
  private boolean offersStls;

  @Override
  public String protocol() {
    return "POP3";
  }

  @Override
  public boolean done() {
    return phase == Phase.DONE;
  }

  @Override
  public Step onLine(String line) {
    switch (phase) {
      case GREETING:
        if (!line.startsWith("+OK")) {
          return fail("the server did not greet with +OK: " + line);
        }
        phase = Phase.CAPA_SENT;
        return Step.send("CAPA");
      case CAPA_SENT:
        if (!line.startsWith("+OK")) {
          return fail(
              "the server refused CAPA (RFC 2449), so it does not say whether it offers STLS: "
                  + line);
        }
        phase = Phase.CAPA_LIST;
        return Step.read();
      case CAPA_LIST:
        if (!line.equals(".")) {
          offersStls |= line.strip().toUpperCase(Locale.ROOT).equals("STLS");
          return Step.read();
        }
        if (!offersStls) {
          return fail("the server does not offer STLS in its CAPA reply");
        }
        phase = Phase.STLS_SENT;
        return Step.send("STLS");
      case STLS_SENT:
        if (!line.startsWith("+OK")) {
          return fail("the server refused STLS: " + line);
        }
        phase = Phase.DONE;
        return Step.startTls();
      default:
        throw new IllegalStateException("the POP3 dialogue is over");
    }
  }

  @Override
  public String afterTls() {
    return "CAPA\r\n";
  }

  private Step fail(String why) {
    phase = Phase.DONE;
    return Step.fail(why);
  }
}
