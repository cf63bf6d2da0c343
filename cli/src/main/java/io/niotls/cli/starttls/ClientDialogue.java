package io.niotls.cli.starttls;

import io.niotls.cli.smtp.SmtpClientDialogue;

/**
 * The client side of a plaintext protocol up to its STARTTLS: it is given the server's lines and
 * answers with what to send or do. No I/O. One per connection, not thread-safe.
 */
public interface ClientDialogue {

  /** What the caller does next. */
  enum Action {
    /** Send {@link Step#text()}, then read on. */
    SEND,
    /** Read on: the reply has more lines. */
    READ,
    /** The server agreed to TLS: start the handshake now. */
    START_TLS,
    /** The server cannot or will not upgrade: close; {@link Step#text()} says why. */
    FAIL
  }

  /** One step: the action and its text (what to send, CRLF-terminated, or why it failed). */
  record Step(Action action, String text) {
    static Step send(String line) {
      return new Step(Action.SEND, line + "\r\n");
    }

    static Step read() {
      return new Step(Action.READ, "");
    }

    static Step startTls() {
      return new Step(Action.START_TLS, "");
    }

    static Step fail(String why) {
      return new Step(Action.FAIL, why);
    }
  }

  /** The protocol's name for messages: {@code IMAP}. */
  String protocol();

  /** Whether the dialogue reached TLS (or failed) and expects no more lines. */
  boolean done();

  /**
   * Takes one line from the server (without its line ending).
   *
   * @throws IllegalStateException once {@link #done()}
   */
  Step onLine(String line);

  /**
   * What to send as soon as TLS is up (CRLF-terminated), or null. IMAP and POP3 clients must forget
   * what they learned of the server in plaintext and should ask again (RFC 3501 6.2.1, RFC 2595 4):
   * their dialogues ask here, and the answer comes to the user like any data.
   */
  default String afterTls() {
    return null;
  }

  /** The existing SMTP dialogue (EHLO, STARTTLS) behind this interface. */
  static ClientDialogue smtp(String clientName) {
    SmtpClientDialogue smtp = new SmtpClientDialogue(clientName);
    return new ClientDialogue() {
      @Override
      public String protocol() {
        return "SMTP";
      }

      @Override
      public boolean done() {
        return smtp.done();
      }

      @Override
      public Step onLine(String line) {
        SmtpClientDialogue.Step step = smtp.onLine(line);
        return new Step(Action.valueOf(step.action().name()), step.text());
      }
    };
  }
}
