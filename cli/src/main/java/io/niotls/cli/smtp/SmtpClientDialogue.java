package io.niotls.cli.smtp;

import java.util.Locale;

/**
 * The client side of SMTP up to STARTTLS (RFC 3207): wait for the 220 greeting, send EHLO, check
 * that the reply offers STARTTLS, send STARTTLS, and on its 220 start TLS. No I/O: it is given the
 * server's lines and answers with what to send or do.
 *
 * <p>Not thread-safe: one per connection.
 */
public final class SmtpClientDialogue {

  /** What the caller does next. */
  public enum Action {
    /** Send {@link Step#text()}, then read on. */
    SEND,
    /** Read on: the reply has more lines. */
    READ,
    /** The server said 220 to STARTTLS: start the TLS handshake now. */
    START_TLS,
    /** The server cannot do STARTTLS: close; {@link Step#text()} says why. */
    FAIL
  }

  /** One step: the action and its text (what to send, or why it failed). */
  public record Step(Action action, String text) {}

  private enum Phase {
    GREETING,
    EHLO_SENT,
    STARTTLS_SENT,
    DONE
  }

  private final String clientName;
  private Phase phase = Phase.GREETING;
  private boolean offersStartTls;

  /**
   * @param clientName the name to give in EHLO
   */
  public SmtpClientDialogue(String clientName) {
    this.clientName = clientName;
  }

  /** Whether the dialogue reached STARTTLS (or failed) and expects no more lines. */
  public boolean done() {
    return phase == Phase.DONE;
  }

  /** Takes one reply line from the server (without CRLF). */
  public Step onLine(String line) {
    if (phase == Phase.DONE) {
      throw new IllegalStateException("the SMTP dialogue is over");
    }
    boolean last = line.length() < 4 || line.charAt(3) != '-';
    String code = line.length() >= 3 ? line.substring(0, 3) : line;
    switch (phase) {
      case GREETING:
        if (!code.equals("220")) {
          return fail("the server did not greet with 220: " + line);
        }
        if (!last) {
          return new Step(Action.READ, "");
        }
        phase = Phase.EHLO_SENT;
        return new Step(Action.SEND, "EHLO " + clientName + "\r\n");
      case EHLO_SENT:
        if (!code.equals("250")) {
          return fail("the server refused EHLO: " + line);
        }
        String keyword = line.length() > 4 ? line.substring(4).strip() : "";
        if (keyword.toUpperCase(Locale.ROOT).equals("STARTTLS")) {
          offersStartTls = true;
        }
        if (!last) {
          return new Step(Action.READ, "");
        }
        if (!offersStartTls) {
          return fail("the server does not offer STARTTLS in its EHLO reply");
        }
        phase = Phase.STARTTLS_SENT;
        return new Step(Action.SEND, "STARTTLS\r\n");
      case STARTTLS_SENT:
        if (!code.equals("220")) {
          return fail("the server refused STARTTLS: " + line);
        }
        if (!last) {
          return new Step(Action.READ, "");
        }
        phase = Phase.DONE;
        return new Step(Action.START_TLS, "");
      default:
        throw new IllegalStateException(phase.toString());
    }
  }

  private Step fail(String why) {
    phase = Phase.DONE;
    return new Step(Action.FAIL, why);
  }
}
