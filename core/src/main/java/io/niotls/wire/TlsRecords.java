package io.niotls.wire;

import java.nio.ByteBuffer;

/**
 * The TLS record layer's framing (RFC 8446 section 5.1, RFC 5246 section 6.2): a 5-byte header
 * (content type, legacy version whose major byte is 3, body length) and a body of bounded length.
 *
 * <p>The functions read a header by absolute index, at a buffer's position or at a given index:
 * they never move the buffer, do no I/O and allocate nothing, so they may run for every record.
 * Each needs the bytes it reads to be there (check with {@link #headerPresent}).
 */
public final class TlsRecords {
  /** Content type, two version bytes, two length bytes. */
  public static final int HEADER_LENGTH = 5;

  public static final int CHANGE_CIPHER_SPEC = 20;
  public static final int ALERT = 21;
  public static final int HANDSHAKE = 22;
  public static final int APPLICATION_DATA = 23;

  /** RFC 6520: the last content type a TLS 1.2 or 1.3 peer may send. */
  public static final int HEARTBEAT = 24;

  /** The record version's first byte in every SSL 3.0 and TLS version. */
  public static final int MAJOR_VERSION = 3;

  /** 2^14: the most a record may carry before encryption, and in any plaintext record. */
  public static final int MAX_PLAINTEXT_BODY = 1 << 14;

  /** What encryption may add to a body in TLS 1.3 (content type, padding, tag): 256 bytes. */
  public static final int MAX_TLS13_EXPANSION = 256;

  /** What encryption may add to a body in TLS 1.2 (IV, MAC, padding): 2048 bytes. */
  public static final int MAX_TLS12_EXPANSION = 2048;

  /** 2^14 + 256: the longest body a TLS 1.3 record may have. */
  public static final int MAX_TLS13_BODY = MAX_PLAINTEXT_BODY + MAX_TLS13_EXPANSION;

  /** 2^14 + 2048: the longest body a TLS 1.2 record may have (and any record, before either). */
  public static final int MAX_TLS12_BODY = MAX_PLAINTEXT_BODY + MAX_TLS12_EXPANSION;

  /** The longest whole record, header included: the smallest buffer that holds any record. */
  public static final int MAX_RECORD = HEADER_LENGTH + MAX_TLS12_BODY;

  private TlsRecords() {}

  /** Whether a whole header is between the buffer's position and its limit. */
  public static boolean headerPresent(ByteBuffer buffer) {
    return buffer.remaining() >= HEADER_LENGTH;
  }

  /** Whether a whole record, header and body, is between the buffer's position and its limit. */
  public static boolean wholeRecordPresent(ByteBuffer buffer) {
    return headerPresent(buffer) && buffer.remaining() >= HEADER_LENGTH + bodyLength(buffer);
  }

  /** The content type of the record at the buffer's position (one byte must be there). */
  public static int contentType(ByteBuffer buffer) {
    return contentType(buffer, buffer.position());
  }

  /** The content type of the record whose header starts at index {@code at}. */
  public static int contentType(ByteBuffer buffer, int at) {
    return buffer.get(at) & 0xff;
  }

  /** The major version byte of the record at index {@code at} (two bytes must be there). */
  public static int majorVersion(ByteBuffer buffer, int at) {
    return buffer.get(at + 1) & 0xff;
  }

  /** The body length the header at the buffer's position announces (the header must be there). */
  public static int bodyLength(ByteBuffer buffer) {
    return bodyLength(buffer, buffer.position());
  }

  /** The body length the header starting at index {@code at} announces. */
  public static int bodyLength(ByteBuffer buffer, int at) {
    return ((buffer.get(at + 3) & 0xff) << 8) | (buffer.get(at + 4) & 0xff);
  }

  /** Whether {@code type} is one of the content types TLS 1.2 and 1.3 define (20 to 24). */
  public static boolean isContentType(int type) {
    return type >= CHANGE_CIPHER_SPEC && type <= HEARTBEAT;
  }

  /**
   * Whether the header at the buffer's position starts like a TLS record: a known content type and
   * major version 3 (two bytes must be there). Says nothing of its length.
   */
  public static boolean isTls(ByteBuffer buffer) {
    int at = buffer.position();
    return isContentType(contentType(buffer, at)) && majorVersion(buffer, at) == MAJOR_VERSION;
  }

  /** The RFC's name of a content type, for messages; "content type N" for unknown ones. */
  public static String contentTypeName(int type) {
    switch (type) {
      case CHANGE_CIPHER_SPEC:
        return "change_cipher_spec";
      case ALERT:
        return "alert";
      case HANDSHAKE:
        return "handshake";
      case APPLICATION_DATA:
        return "application data";
      case HEARTBEAT:
        return "heartbeat";
      default:
        return "content type " + type;
    }
  }
}
