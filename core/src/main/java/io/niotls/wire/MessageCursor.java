package io.niotls.wire;

/**
 * A range of a handshake message read front to back; every read is checked against the range's end,
 * and a read past it throws {@link Malformed}.
 */
final class MessageCursor {
  final byte[] data;
  int at;
  final int end;

  MessageCursor(byte[] data, int at, int end) {
    this.data = data;
    this.at = at;
    this.end = end;
  }

  boolean hasRemaining() {
    return at < end;
  }

  int remaining() {
    return end - at;
  }

  int u8() {
    need(1);
    return data[at++] & 0xff;
  }

  int u16() {
    need(2);
    int v = ((data[at] & 0xff) << 8) | (data[at + 1] & 0xff);
    at += 2;
    return v;
  }

  void skip(int n) {
    need(n);
    at += n;
  }

  /** The next {@code n} bytes as a range of their own; this one moves past them. */
  MessageCursor take(int n) {
    need(n);
    MessageCursor part = new MessageCursor(data, at, at + n);
    at += n;
    return part;
  }

  private void need(int n) {
    if (remaining() < n) {
      throw new Malformed(
          "a length runs past its end (" + n + " bytes wanted, " + remaining() + " left)");
    }
  }

  /** A ClientHello that cannot be read; its message says why. */
  static final class Malformed extends RuntimeException {
    Malformed(String why) {
      super(why, null, false, false);
    }
  }
}
