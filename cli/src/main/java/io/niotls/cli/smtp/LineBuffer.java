package io.niotls.cli.smtp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Cuts a byte stream into text lines ended by CRLF (a bare LF is accepted too), taking from the
 * source only the bytes of the line it returns. That matters for STARTTLS: after the {@code
 * STARTTLS} line, whatever the peer sent in the same packet must stay unconsumed so the loop can
 * refuse it (CVE-2011-0411). Not thread-safe: one per connection.
 */
public final class LineBuffer {
  private final int maxLength;
  private final byte[] line;
  private int length;
  private boolean skipping;

  /**
   * @param maxLength the longest line accepted, without its CRLF
   */
  public LineBuffer(int maxLength) {
    this.maxLength = maxLength;
    this.line = new byte[maxLength + 1];
  }

  /**
   * The next whole line in {@code data}, without its line ending, or null when {@code data} ran out
   * first (the partial line is kept for the next call). Consumes exactly the bytes up to and
   * including the returned line's LF.
   *
   * @throws IllegalStateException if a line grows longer than the limit; the next calls skip the
   *     rest of that line, up to and including its LF, so the conversation can go on after an error
   *     reply
   */
  public String next(ByteBuffer data) {
    while (data.hasRemaining()) {
      byte b = data.get();
      if (skipping) {
        skipping = b != '\n';
        continue;
      }
      if (b == '\n') {
        int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
        String text = new String(line, 0, end, StandardCharsets.ISO_8859_1);
        length = 0;
        return text;
      }
      if (length == line.length) {
        length = 0;
        skipping = true;
        throw new IllegalStateException("line longer than " + maxLength + " bytes");
      }
      line[length++] = b;
    }
    return null;
  }

  /** Whether part of a line is held (or an overlong line is being skipped), waiting for its end. */
  public boolean holdsPartialLine() {
    return length > 0 || skipping;
  }
}
