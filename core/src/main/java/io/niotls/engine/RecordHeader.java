package io.niotls.engine;

import java.nio.ByteBuffer;

/**
 * Reads the 5-byte TLS record header at a buffer's position, without I/O and without moving it, so
 * hostile records are refused from their header alone (RFC 8446 section 5.1, RFC 5246 6.2).
 */
final class RecordHeader {
  static final int LENGTH = 5;
  static final int CHANGE_CIPHER_SPEC = 20;
  static final int ALERT = 21;
  static final int HANDSHAKE = 22;
  static final int APPLICATION_DATA = 23;
  static final int HEARTBEAT = 24;

  /** TLS 1.2 ciphertext may carry 2^14 + 2048 bytes; TLS 1.3 at most 2^14 + 256. */
  static final int MAX_TLS12_BODY = (1 << 14) + 2048;

  static final int MAX_TLS13_BODY = (1 << 14) + 256;

  /** Largest whole record, header included: the smallest buffer that can hold any record. */
  static final int MAX_RECORD = LENGTH + MAX_TLS12_BODY;

  private RecordHeader() {}

  static boolean complete(ByteBuffer buffer) {
    return buffer.remaining() >= LENGTH;
  }

  static int contentType(ByteBuffer buffer) {
    return buffer.get(buffer.position()) & 0xff;
  }

  static int bodyLength(ByteBuffer buffer) {
    return ((buffer.get(buffer.position() + 3) & 0xff) << 8)
        | (buffer.get(buffer.position() + 4) & 0xff);
  }

  /**
   * Why the header at the buffer's position is not acceptable, or null when it is.
   *
   * @param maxBody the largest body the negotiated (or not yet negotiated) protocol allows
   */
  static String problem(ByteBuffer buffer, int maxBody) {
    int type = contentType(buffer);
    int major = buffer.get(buffer.position() + 1) & 0xff;
    if (!isTls(buffer)) {
      return looksLikeHttp(buffer)
          ? "the peer sent plaintext HTTP to a TLS endpoint: use https:// or a TLS client"
          : String.format(
              "the peer sent data that is not TLS (record header %02x %02x): wrong port or"
                  + " protocol?",
              type, major);
    }
    int length = bodyLength(buffer);
    if (length == 0) {
      // encryption always adds bytes, and unencrypted records must not be empty: a zero-length
      // record on the wire is never valid, and a stream of them costs work and carries nothing
      return "the peer sent an empty "
          + typeName(type)
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
    int length = bodyLength(buffer);
    if (!isTls(buffer) || length == 0) {
      return "unexpected_message";
    }
    return length > maxBody ? "record_overflow" : null;
  }

  private static String typeName(int type) {
    switch (type) {
      case CHANGE_CIPHER_SPEC:
        return "change_cipher_spec";
      case ALERT:
        return "alert";
      case HANDSHAKE:
        return "handshake";
      case APPLICATION_DATA:
        return "application data";
      default:
        return "heartbeat";
    }
  }

  private static boolean isTls(ByteBuffer buffer) {
    int type = contentType(buffer);
    int major = buffer.get(buffer.position() + 1) & 0xff;
    return type >= CHANGE_CIPHER_SPEC && type <= HEARTBEAT && major == 3;
  }

  private static boolean looksLikeHttp(ByteBuffer buffer) {
    int p = buffer.position();
    for (String verb : new String[] {"GET ", "POST", "HEAD", "PUT ", "OPTI", "DELE", "CONN"}) {
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
