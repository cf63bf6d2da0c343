package io.niotls.channel;

import io.niotls.wire.TlsRecords;
import java.nio.ByteBuffer;

/**
 * Where the records of the inbound TLS stream end, read from their headers as the bytes go by,
 * counted in bytes from the stream's start. It sees every byte the channel delivers, so it knows
 * the boundaries whoever holds the bytes (the engine may keep the start of a record that the
 * handshake left it). A header that cannot be TLS (an unknown content type, a major version other
 * than 3, a body longer than TLS allows: an SSLv2 hello, a peer speaking something else) loses the
 * framing for good: from then on every byte is lent to the engine, which reports what is wrong.
 *
 * <p>Confined to the reader (the reader's lock).
 */
final class RecordFramer {
  private long seen; // bytes scanned since the stream's start
  private long recordEnd; // where the record whose header was scanned last ends
  private long boundary; // where the last whole record scanned ends
  private int headerScanned; // bytes of the next header scanned so far, 0 to 4
  private int bodyLength;
  private boolean lost;

  /** Scans the bytes at indices {@code [from, to)} of {@code buffer}: the next of the stream. */
  void scan(ByteBuffer buffer, int from, int to) {
    int i = from;
    while (i < to && !lost) {
      if (seen < recordEnd) { // in a body: skip to its end, or to what was read
        int skip = (int) Math.min(recordEnd - seen, to - i);
        i += skip;
        seen += skip;
        if (seen == recordEnd) {
          boundary = seen;
        }
        continue;
      }
      int b = buffer.get(i++) & 0xff;
      seen++;
      switch (headerScanned++) {
        case 0:
          lost = !TlsRecords.isContentType(b);
          break;
        case 1:
          lost = b != TlsRecords.MAJOR_VERSION;
          break;
        case 2:
          break;
        case 3:
          bodyLength = b << 8;
          break;
        default:
          bodyLength |= b;
          headerScanned = 0;
          lost = bodyLength > TlsRecords.MAX_TLS12_BODY;
          recordEnd = seen + bodyLength;
          if (bodyLength == 0) {
            boundary = seen;
          }
      }
    }
  }

  /** Bytes scanned so far. */
  long seen() {
    return seen;
  }

  /** Where the last whole record scanned ends, in bytes from the stream's start. */
  long boundary() {
    return boundary;
  }

  /** Whether every byte scanned belongs to a whole record: the next byte starts a header. */
  boolean atBoundary() {
    return lost || seen == boundary;
  }

  /** Whether the framing is lost: the bytes are not TLS records, or not any more. */
  boolean lost() {
    return lost;
  }

  /** Gives the framing up: a record longer than the buffer it is read into, for one. */
  void lose() {
    lost = true;
  }
}
