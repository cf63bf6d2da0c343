package io.niotls.netty;

import java.util.ArrayList;
import java.util.List;

/** Reads TLS record headers out of captured ciphertext, for tests that count records. */
final class Records {
  static final int ALERT = 21;
  static final int APPLICATION_DATA = 23;

  /** A record's content type (as seen on the wire) and body length. */
  record Header(int type, int length) {}

  private Records() {}

  static List<Header> headers(byte[] ciphertext) {
    List<Header> headers = new ArrayList<>();
    int at = 0;
    while (at + 5 <= ciphertext.length) {
      int length = ((ciphertext[at + 3] & 0xff) << 8) | (ciphertext[at + 4] & 0xff);
      headers.add(new Header(ciphertext[at] & 0xff, length));
      at += 5 + length;
    }
    if (at != ciphertext.length) {
      throw new AssertionError("ciphertext ends inside a record");
    }
    return headers;
  }
}
