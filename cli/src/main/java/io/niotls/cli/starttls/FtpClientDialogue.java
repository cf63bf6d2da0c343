package io.niotls.cli.starttls;

/**
 * The client side of FTP up to AUTH TLS (RFC 4217 4): wait for the {@code 220} greeting (after a
 * {@code 120} if the server asks to wait), send {@code AUTH TLS}, and on {@code 234} start TLS on
 * the control connection. Multi-line replies ({@code 220-...} up to {@code 220 ...}, RFC 959 4.2)
 * are read to their end. Not thread-safe: one per connection.
 */
public final class FtpClientDialogue implements ClientDialogue {
  private enum Phase {
    GREETING,
    AUTH_SENT,
    DONE
  }

  private Phase phase = Phase.GREETING;
  private String continuing; // the code of a multi-line reply under way, or null

  @Override
  public String protocol() {
    return "FTP";
  }

  @Override
  public boolean done() {
    return phase == Phase.DONE;
  }

  @Override
  public Step onLine(String line) {
    if (phase == Phase.DONE) {
      throw new IllegalStateException("the FTP dialogue is over");
    }
    String code = replyCode(line);
    if (continuing != null) {
      if (!continuing.equals(code) || line.charAt(3) != ' ') {
        return Step.read(); // inside a multi-line reply any line may come
      }
      continuing = null;
    } else if (code != null && line.charAt(3) == '-') {
      continuing = code;
      return Step.read();
    }
    if (code == null) {
      return fail("the server's reply is not FTP (RFC 959 4.2): " + line);
    }
    if (phase == Phase.GREETING) {
      if (code.equals("120")) {
        return Step.read(); // "service ready in n minutes": the 220 follows
      }
      if (!code.equals("220")) {
        return fail("the server did not greet with 220: " + line);
      }
      phase = Phase.AUTH_SENT;
      return Step.send("AUTH TLS");
    }
    if (!code.equals("234")) {
      return fail("the server refused AUTH TLS: " + line);
    }
    phase = Phase.DONE;
    return Step.startTls();
  }

  /** The three digits a reply line starts with, when a space or hyphen follows; else null. */
  private static String replyCode(String line) {
    if (line.length() < 4 || (line.charAt(3) != ' ' && line.charAt(3) != '-')) {
      return null;
    }
    for (int i = 0; i < 3; i++) {
      if (line.charAt(i) < '0' || line.charAt(i) > '9') {
        return null;
      }
    }
    return line.substring(0, 3);
  }

  private Step fail(String why) {
    phase = Phase.DONE;
    return Step.fail(why);
  }
}
