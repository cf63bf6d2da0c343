package io.niotls.netty;

import io.niotls.wire.TlsRecords;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Reads TLS record headers out of captured ciphertext, for tests that count records. */
final class Records {
  /** A record's content type (as seen on the wire) and body length. */
  record Header(int type, int length) {}

  private Records() {}

  static List<Header> headers(byte[] ciphertext) {
    List<Header> headers = new ArrayList<>();
    ByteBuffer bytes = ByteBuffer.wrap(ciphertext);
    int at = 0;
    while (at + TlsRecords.HEADER_LENGTH <= ciphertext.length) {
      int length = TlsRecords.bodyLength(bytes, at);
      headers.add(new Header(TlsRecords.contentType(bytes, at), length));
      at += TlsRecords.HEADER_LENGTH + length;
    }
    if (at != ciphertext.length) {
      throw new AssertionError("ciphertext ends inside a record");
    }
    return headers;
  }
}
