package io.niotls.cli.smtp;

import java.util.Locale;

/**
 * The server side of a minimal SMTP conversation with STARTTLS (RFC 5321, RFC 3207): enough for
 * {@code openssl s_client -starttls smtp} and for {@code niotls client --starttls smtp}. No I/O: it
 * is given lines and answers with replies and what to do next.
 *
 * <p>In plaintext it greets with 220, answers EHLO advertising STARTTLS, and refuses everything but
 * EHLO, HELO, NOOP, RSET, STARTTLS and QUIT with 530. STARTTLS (after EHLO) is answered with 220,
 * and the caller starts TLS; {@link #tlsStarted()} then moves to the secure phase, where EHLO no
 * longer offers STARTTLS, QUIT ends, and every other line is echoed back.
 *
 * <p>Not thread-safe: one per connection, used from its event-loop thread.
 */
public final class SmtpServerDialogue {
  /** Longest command line accepted, without CRLF (RFC 5321 4.5.3.1.4 allows 512 with it). */
  public static final int MAX_LINE = 998;

  /** Where the conversation is. */
  public enum Phase {
    /** Plaintext, before or after EHLO. */
    PLAIN,
    /** STARTTLS was accepted; waiting for the TLS handshake. Lines now are injected plaintext. */
    UPGRADING,
    /** TLS is up: echo. */
    SECURE,
    /** QUIT was answered. */
    CLOSED
  }

  /** What the caller does after sending {@link Reply#text()}. */
  public enum Action {
    /** Nothing more: read the next line. */
    CONTINUE,
    /** Start TLS now: the 220 reply went out in plaintext, the next bytes are a ClientHello. */
    START_TLS,
    /** Close the connection. */
    CLOSE
  }

  /** Text to send (CRLF-terminated lines) and the next step. */
  public record Reply(String text, Action action) {
    static Reply of(String text) {
      return new Reply(text, Action.CONTINUE);
    }
  }

  private final String hostname;
  private Phase phase = Phase.PLAIN;
  private boolean helloed;

  /**
   * @param hostname the name the server gives for itself in its replies
   */
  public SmtpServerDialogue(String hostname) {
    this.hostname = hostname;
  }

  /** The 220 greeting sent when the connection opens. */
  public String greeting() {
    return "220 " + hostname + " ESMTP niotls\r\n";
  }

  public Phase phase() {
    return phase;
  }

  /**
   * Answers one command line (without its CRLF).
   *
   * @throws IllegalStateException while {@link Phase#UPGRADING} or after {@link Phase#CLOSED}: no
   *     line may be read then
   */
  public Reply onLine(String line) {
    if (phase == Phase.UPGRADING || phase == Phase.CLOSED) {
      throw new IllegalStateException("no SMTP line may be read while " + phase);
    }
    String verb = verb(line);
    String argument = line.length() > verb.length() ? line.substring(verb.length()).strip() : "";
    switch (verb) {
      case "EHLO":
        helloed = true;
        return Reply.of(ehlo(argument));
      case "HELO":
        helloed = true;
        return Reply.of("250 " + hostname + "\r\n");
      case "QUIT":
        phase = Phase.CLOSED;
        return new Reply("221 2.0.0 " + hostname + " closing connection\r\n", Action.CLOSE);
      case "NOOP", "RSET":
        return Reply.of("250 2.0.0 OK\r\n");
      case "STARTTLS":
        return startTls(argument);
      default:
        if (phase == Phase.SECURE) {
          return Reply.of(line + "\r\n");
        }
        return Reply.of("530 5.7.0 Must issue a STARTTLS command first\r\n");
    }
  }

  /** The TLS handshake after STARTTLS finished: from now on lines are echoed. */
  public void tlsStarted() {
    if (phase != Phase.UPGRADING) {
      throw new IllegalStateException("TLS started while " + phase + ", not after STARTTLS");
    }
    phase = Phase.SECURE;
    // RFC 3207 4.2: the client must forget what it knew and say EHLO again
    helloed = false;
  }

  /** The answer to a line longer than {@link #MAX_LINE}; the connection then closes. */
  public Reply lineTooLong() {
    phase = Phase.CLOSED;
    return new Reply("500 5.5.2 Line too long\r\n", Action.CLOSE);
  }

  private Reply startTls(String argument) {
    if (phase == Phase.SECURE) {
      return Reply.of("503 5.5.1 TLS already active\r\n");
    }
    if (!argument.isEmpty()) {
      return Reply.of("501 5.5.4 Syntax: STARTTLS takes no parameters\r\n");
    }
    if (!helloed) {
      return Reply.of("503 5.5.1 Send EHLO first\r\n");
    }
    phase = Phase.UPGRADING;
    return new Reply("220 2.0.0 Ready to start TLS\r\n", Action.START_TLS);
  }

  private String ehlo(String client) {
    String hello = "250-" + hostname + " greets " + (client.isEmpty() ? "you" : client) + "\r\n";
    if (phase == Phase.SECURE) {
      return hello + "250 8BITMIME\r\n";
    }
    return hello + "250-8BITMIME\r\n250 STARTTLS\r\n";
  }

  private static String verb(String line) {
    int space = line.indexOf(' ');
    return (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
  }
}
