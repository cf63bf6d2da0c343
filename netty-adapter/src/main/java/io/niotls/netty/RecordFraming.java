package io.niotls.netty;

import io.niotls.wire.TlsRecords;
import java.nio.ByteBuffer;

/**
 * Follows the TLS record framing of the inbound ciphertext (RFC 8446 section 5.1: a 5-byte header
 * whose last two bytes give the body length) so the handler knows, without asking the engine,
 * whether a whole record has arrived and how much plaintext it can hold at most. A read that ends
 * inside a record then costs no plaintext buffer, and the buffer for a whole one is sized to fit.
 *
 * <p>Only a hint: the engine still checks every header and refuses bad ones. Confined to the
 * channel's event loop.
 */
final class RecordFraming {
  private static final int HEADER = TlsRecords.HEADER_LENGTH;

  private int headerSeen; // bytes of the current header seen so far, 0 to 5
  private int length; // the current record's body length, once its header is whole
  private int bodyLeft; // body bytes of the current record still to come
  private int wholeRecords; // records completed since the engine last wanted more
  private long wholeBodyBytes;

  /**
   * Notes the ciphertext bytes of {@code in}, from its position to its limit; does not move it.
   * Reads the NIO view the engine will read, by absolute index: a ByteBuf's {@code getByte} goes
   * through the buffer's wrappers and checks per byte, and this runs for every read.
   */
  void scan(ByteBuffer in) {
    int at = in.position();
    int end = in.limit();
    while (at < end) {
      if (headerSeen == 0 && end - at >= HEADER) { // the usual case: a whole header at hand
        length = TlsRecords.bodyLength(in, at); // absolute: any byte order, no bounds check
        bodyLeft = length;
        at += HEADER;
        headerSeen = HEADER;
        if (bodyLeft == 0) {
          completeRecord();
        }
      } else if (headerSeen < HEADER) {
        if (headerSeen == 3) {
          length = (in.get(at) & 0xff) << 8;
        } else if (headerSeen == 4) {
          length |= in.get(at) & 0xff;
          bodyLeft = length;
        }
        at++;
        if (++headerSeen == HEADER && bodyLeft == 0) {
          completeRecord();
        }
      } else {
        int n = Math.min(bodyLeft, end - at);
        at += n;
        bodyLeft -= n;
        if (bodyLeft == 0) {
          completeRecord();
        }
      }
    }
  }

  private void completeRecord() {
    wholeRecords++;
    wholeBodyBytes += length;
    headerSeen = 0;
  }

  /** True when at least one record arrived whole since {@link #consumed()}. */
  boolean hasWholeRecord() {
    return wholeRecords > 0;
  }

  /** The body bytes of the whole records since {@link #consumed()}: at least their plaintext. */
  long wholeBodyBytes() {
    return wholeBodyBytes;
  }

  /** The engine has taken every whole record (it wants to read more). */
  void consumed() {
    wholeRecords = 0;
    wholeBodyBytes = 0;
  }
}
