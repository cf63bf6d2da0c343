package io.niotls.datagram;

import java.nio.ByteBuffer;

/**
 * What niotls reads of DTLS 1.2 records itself (RFC 6347 §4.1, §4.2.2): the 13-byte record header
 * and the type of the handshake message a plaintext handshake record starts with. Pure functions
 * over absolute indexes; they allocate nothing.
 */
final class DtlsRecords {
  /** content type (1), version (2), epoch (2), sequence number (6), length (2). */
  static final int HEADER = 13;

  static final int CHANGE_CIPHER_SPEC = 20;
  static final int HANDSHAKE = 22;
  static final int APPLICATION_DATA = 23;
  static final int CLIENT_HELLO = 1;
  static final int SERVER_HELLO = 2;
  static final int HELLO_VERIFY_REQUEST = 3;

  /**
   * The most a DTLS 1.2 record with AES-GCM adds to its plaintext: header, explicit nonce (8) and
   * tag (16). CBC suites are not among niotls's defaults.
   */
  static final int AEAD_OVERHEAD = HEADER + 8 + 16;

  private DtlsRecords() {}

  /** Whether a whole record header starts at {@code at}. */
  static boolean hasHeader(ByteBuffer b, int at) {
    return b.limit() - at >= HEADER;
  }

  static int contentType(ByteBuffer b, int at) {
    return b.get(at) & 0xff;
  }

  static int epoch(ByteBuffer b, int at) {
    return b.getShort(at + 3) & 0xffff;
  }

  /** The 48-bit sequence number. */
  static long sequence(ByteBuffer b, int at) {
    return ((long) (b.getShort(at + 5) & 0xffff) << 32) | (b.getInt(at + 7) & 0xffffffffL);
  }

  /** The whole record's length, header included. */
  static int recordLength(ByteBuffer b, int at) {
    return HEADER + (b.getShort(at + 11) & 0xffff);
  }

  /**
   * The handshake message type of the datagram's first record when it is an epoch-0 (plaintext)
   * handshake record, else -1.
   */
  static int plaintextHandshakeType(ByteBuffer datagram) {
    int at = datagram.position();
    if (datagram.remaining() <= HEADER
        || (datagram.get(at) & 0xff) != HANDSHAKE
        || datagram.get(at + 3) != 0
        || datagram.get(at + 4) != 0) {
      return -1;
    }
    return datagram.get(at + HEADER) & 0xff;
  }
}
