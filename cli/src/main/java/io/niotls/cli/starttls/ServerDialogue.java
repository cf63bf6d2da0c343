package io.niotls.cli.starttls;

/**
 * The server side of a line-based plaintext protocol that upgrades to TLS in place: IMAP, POP3,
 * FTP. No I/O: it is given command lines and answers with replies and what to do next. One per
 * connection, used from its event-loop thread.
 *
 * <p>Once a reply says {@link Action#START_TLS}, no line may be read until {@link #tlsStarted()}:
 * whatever the client sent behind the STARTTLS command before the handshake is injected plaintext,
 * for the caller to refuse (CVE-2011-0411).
 */
public interface ServerDialogue {

  /** What the caller does after sending {@link Reply#text()}. */
  enum Action {
    /** Read the next line. */
    CONTINUE,
    /** Start TLS now: the reply went out in plaintext, the next bytes are a ClientHello. */
    START_TLS,
    /** Close the connection. */
    CLOSE
  }

  /** Text to send (CRLF-terminated lines) and the next step. */
  record Reply(String text, Action action) {
    /** One or more lines, each given without its CRLF; then read on. */
    static Reply of(String... lines) {
      return new Reply(crlf(lines), Action.CONTINUE);
    }

    static Reply startTls(String line) {
      return new Reply(line + "\r\n", Action.START_TLS);
    }

    static Reply close(String... lines) {
      return new Reply(crlf(lines), Action.CLOSE);
    }

    private static String crlf(String... lines) {
      StringBuilder text = new StringBuilder();
      for (String line : lines) {
        text.append(line).append("\r\n");
      }
      return text.toString();
    }
  }

  /** The longest command line accepted, without its line ending. */
  int maxLine();

  /** What the server says when the connection opens. */
  String greeting();

  /**
   * Answers one command line (without its line ending).
   *
   * @throws IllegalStateException while {@link #upgrading()} or after a reply that closes
   */
  Reply onLine(String line);

  /** The answer to a line longer than {@link #maxLine()}; the caller skips the rest of it. */
  Reply lineTooLong();

  /** Whether STARTTLS was answered and the handshake has not finished yet. */
  boolean upgrading();

  /**
   * The handshake after STARTTLS finished: what the client said before is forgotten.
   *
   * @throws IllegalStateException when not {@link #upgrading()}
   */
  void tlsStarted();
}
