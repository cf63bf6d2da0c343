package io.niotls.engine;

import io.niotls.wire.TlsRecords;
import java.nio.ByteBuffer;

/**
 * The engine's verdict on the 5-byte TLS record header at a buffer's position, so hostile records
 * are refused from their header alone (RFC 8446 section 5.1, RFC 5246 6.2): why it is refused, and
 * with which alert. The format itself is {@link TlsRecords}'s; this is what the engine makes of it.
 * Reads without moving the buffer; allocates only to say why a header is refused.
 */
final class RecordHeader {
  private static final String[] HTTP_STARTS = {
    "GET ", "POST", "HEAD", "PUT ", "OPTI", "DELE", "CONN"
  };

  private RecordHeader() {}

  /**
   * Why the header at the buffer's position is not acceptable, or null when it is.
   *
   * @param maxBody the largest body the negotiated (or not yet negotiated) protocol allows
   */
  static String problem(ByteBuffer buffer, int maxBody) {
    if (!TlsRecords.isTls(buffer)) {
      return looksLikeHttp(buffer)
          ? "the peer sent plaintext HTTP to a TLS endpoint: use https:// or a TLS client"
          : String.format(
              "the peer sent data that is not TLS (record header %02x %02x): wrong port or"
                  + " protocol?",
              TlsRecords.contentType(buffer), TlsRecords.majorVersion(buffer, buffer.position()));
    }
    int length = TlsRecords.bodyLength(buffer);
    if (length == 0) {
      // encryption always adds bytes, and unencrypted records must not be empty: a zero-length
      // record on the wire is never valid, and a stream of them costs work and carries nothing
      return "the peer sent an empty "
          + TlsRecords.contentTypeName(TlsRecords.contentType(buffer))
          + " record, which is never valid on the wire (RFC 8446 section 5.1, RFC 5246 6.2.1)";
    }
    if (length > maxBody) {
      return "the peer announced a "
          + length
          + "-byte record, more than the "
          + maxBody
          + " TLS allows";
    }
    return null;
  }

  /**
   * The alert that answers {@link #problem}: {@code record_overflow} for a TLS record that is too
   * long, {@code unexpected_message} for anything that is not a TLS record; null when the header is
   * acceptable.
   */
  static String alert(ByteBuffer buffer, int maxBody) {
    int length = TlsRecords.bodyLength(buffer);
    if (!TlsRecords.isTls(buffer) || length == 0) {
      return "unexpected_message";
    }
    return length > maxBody ? "record_overflow" : null;
  }

  private static boolean looksLikeHttp(ByteBuffer buffer) {
    int p = buffer.position();
    for (String verb : HTTP_STARTS) {
      if (buffer.remaining() >= 4
          && buffer.get(p) == verb.charAt(0)
          && buffer.get(p + 1) == verb.charAt(1)
          && buffer.get(p + 2) == verb.charAt(2)
          && buffer.get(p + 3) == verb.charAt(3)) {
        return true;
      }
    }
    return false;
  }
}
