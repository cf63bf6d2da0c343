package io.niotls.cli.smtp;

import java.nio.ByteBuffer;

/**
 * Reads the mail data after {@code DATA}'s 354 reply (RFC 5321 4.1.1.4, 4.5.2): counts its bytes
 * with the transparency dots removed, and finds its end, a line holding a single period. Nothing is
 * kept, so a message of any size costs a few bytes.
 *
 * <p>Lines are ended by CRLF only: a bare LF or CR is a byte of the message like any other, so the
 * data ends at {@code <CRLF>.<CRLF>} and never at {@code <LF>.<LF>} or a mix of the two (the SMTP
 * smuggling ambiguity of 2023). A period that starts a line followed by more than CRLF is removed
 * (dot-unstuffing). The count includes the CRLF that ends the last line, which belongs to the
 * message, and not the {@code .<CRLF>} after it.
 *
 * <p>Not thread-safe: one per message.
 */
final class MessageBody {
  private enum State {
    /** At the start of a line: the data itself, or just after a CRLF. */
    LINE_START,
    /** Inside a line. */
    MIDDLE,
    /** Just after a CR, which may be the start of the CRLF ending a line. */
    CR,
    /** A period at the start of a line: the end, or a transparency dot. */
    DOT,
    /** A period and a CR at the start of a line: the end if an LF follows. */
    DOT_CR
  }

  private State state = State.LINE_START;
  private long bytes;

  /**
   * Reads message bytes from {@code data}.
   *
   * @return true when the end of the data was read: {@code data} is then positioned just after its
   *     LF, so whatever the client sent after it (the next command) is left to be read as lines
   */
  boolean read(ByteBuffer data) {
    while (data.hasRemaining()) {
      byte b = data.get();
      switch (state) {
        case LINE_START -> {
          if (b == '.') {
            state = State.DOT;
          } else {
            take(b);
          }
        }
        case DOT -> {
          if (b == '\r') {
            state = State.DOT_CR;
          } else {
            state = State.MIDDLE; // the dot was a transparency dot: dropped
            take(b);
          }
        }
        case DOT_CR -> {
          if (b == '\n') {
            return true;
          }
          // ".\r" then something else: a transparency dot, then a CR that is data
          bytes++;
          state = State.CR;
          take(b);
        }
        default -> take(b);
      }
    }
    return false;
  }

  /** Bytes of the message so far, without transparency dots. */
  long bytes() {
    return bytes;
  }

  private void take(byte b) {
    bytes++;
    if (b == '\r') {
      state = State.CR;
    } else if (b == '\n' && state == State.CR) {
      state = State.LINE_START;
    } else {
      state = State.MIDDLE;
    }
  }
}
