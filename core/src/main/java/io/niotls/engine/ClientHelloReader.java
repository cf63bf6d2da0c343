package io.niotls.engine;

import io.niotls.wire.TlsRecords;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the first handshake message a client sends, from the records it arrives in (one or
 * several), and reads its ALPN extension (RFC 7301 section 3.1). Fed a copy of the bytes as they
 * arrive; never holds more than {@link #MAX_HELLO} bytes. Not thread-safe.
 *
 * <p>Why niotls reads the ClientHello itself: BoringSSL through netty-tcnative can only ignore a
 * client whose ALPN list it does not share (or pick a protocol anyway), never refuse it with {@code
 * no_application_protocol}; reading the list first gives both providers the same answer.
 */
final class ClientHelloReader {
  /** A ClientHello larger than this is refused: real ones are a few hundred bytes to a few KiB. */
  static final int MAX_HELLO = 64 * 1024;

  private static final int CLIENT_HELLO = 1;
  private static final int ALPN = 16;

  /** What is known so far. */
  enum State {
    /** More bytes are needed. */
    READING,
    /** The stream does not start with a handshake record carrying a ClientHello. */
    NOT_A_CLIENT_HELLO,
    /** A whole ClientHello was read: see {@link #alpn()}. */
    DONE,
    /** A ClientHello that cannot be read, or is larger than {@link #MAX_HELLO}. */
    MALFORMED
  }

  private final ByteBuffer record = ByteBuffer.allocate(5); // the header being read
  private byte[] message = new byte[512];
  private int messageLength;
  private int bodyLeft; // of the current record
  private State state = State.READING;
  private String problem;
  private List<String> alpn;

  State state() {
    return state;
  }

  /** Why the ClientHello is MALFORMED. */
  String problem() {
    return problem;
  }

  /** The protocols the client offers, in its order; null when it sent no ALPN extension. */
  List<String> alpn() {
    return alpn;
  }

  /** Takes the bytes between {@code bytes}' position and limit (leaving them in place). */
  State feed(ByteBuffer bytes) {
    ByteBuffer in = bytes.duplicate();
    while (state == State.READING && in.hasRemaining()) {
      if (bodyLeft == 0) {
        readHeader(in);
      } else {
        int n = Math.min(bodyLeft, in.remaining());
        append(in, n);
        bodyLeft -= n;
        parseIfWhole();
      }
    }
    return state;
  }

  private void readHeader(ByteBuffer in) {
    while (record.hasRemaining() && in.hasRemaining()) {
      record.put(in.get());
    }
    if (record.hasRemaining()) {
      return;
    }
    int type = record.get(0) & 0xff;
    int major = record.get(1) & 0xff;
    int length = ((record.get(3) & 0xff) << 8) | (record.get(4) & 0xff);
    record.clear();
    if (type != TlsRecords.HANDSHAKE || major != 3 || length == 0) {
      // not ours to judge: the engine refuses what is not TLS, or is empty, with its own alert
      state = State.NOT_A_CLIENT_HELLO;
    } else if (length > TlsRecords.MAX_TLS12_BODY) {
      state = State.NOT_A_CLIENT_HELLO; // the engine refuses it from its header: record_overflow
    } else {
      bodyLeft = length;
    }
  }

  private void append(ByteBuffer in, int n) {
    if (messageLength + n > MAX_HELLO + 4) {
      malformed("the ClientHello is larger than " + MAX_HELLO + " bytes");
      return;
    }
    if (messageLength + n > message.length) {
      byte[] bigger = new byte[Math.max(message.length * 2, messageLength + n)];
      System.arraycopy(message, 0, bigger, 0, messageLength);
      message = bigger;
    }
    in.get(message, messageLength, n);
    messageLength += n;
  }

  private void parseIfWhole() {
    if (state != State.READING || messageLength < 4) {
      return;
    }
    if ((message[0] & 0xff) != CLIENT_HELLO) {
      state = State.NOT_A_CLIENT_HELLO;
      return;
    }
    int length = ((message[1] & 0xff) << 16) | ((message[2] & 0xff) << 8) | (message[3] & 0xff);
    if (length > MAX_HELLO) {
      malformed("the ClientHello announces " + length + " bytes, more than " + MAX_HELLO);
    } else if (messageLength >= 4 + length) {
      parse(ByteBuffer.wrap(message, 4, length).slice());
    }
  }

  /** RFC 8446 section 4.1.2 (and RFC 5246 7.4.1.2, where extensions may be absent). */
  private void parse(ByteBuffer hello) {
    try {
      skip(hello, 2 + 32); // legacy_version, random
      skip(hello, u8(hello)); // legacy_session_id
      skip(hello, u16(hello)); // cipher_suites
      skip(hello, u8(hello)); // legacy_compression_methods
      if (hello.hasRemaining()) {
        ByteBuffer extensions = take(hello, u16(hello));
        while (extensions.hasRemaining()) {
          int type = u16(extensions);
          ByteBuffer data = take(extensions, u16(extensions));
          if (type == ALPN) {
            if (alpn != null) {
              throw new IllegalArgumentException("two ALPN extensions");
            }
            alpn = protocols(data);
          }
        }
      }
      message = null; // done with it
      state = State.DONE;
    } catch (IllegalArgumentException e) {
      malformed("the ClientHello cannot be read: " + e.getMessage());
    }
  }

  private static List<String> protocols(ByteBuffer data) {
    ByteBuffer list = take(data, u16(data));
    List<String> names = new ArrayList<>();
    while (list.hasRemaining()) {
      int n = u8(list);
      if (n == 0) {
        throw new IllegalArgumentException("an empty ALPN protocol name");
      }
      byte[] name = new byte[n];
      take(list, n).get(name);
      names.add(new String(name, StandardCharsets.ISO_8859_1));
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException("an empty ALPN protocol list");
    }
    return names;
  }

  private void malformed(String why) {
    problem = why;
    state = State.MALFORMED;
    message = null;
  }

  private static int u8(ByteBuffer b) {
    need(b, 1);
    return b.get() & 0xff;
  }

  private static int u16(ByteBuffer b) {
    need(b, 2);
    return b.getShort() & 0xffff;
  }

  private static void skip(ByteBuffer b, int n) {
    need(b, n);
    b.position(b.position() + n);
  }

  private static ByteBuffer take(ByteBuffer b, int n) {
    need(b, n);
    ByteBuffer part = b.slice().limit(n);
    b.position(b.position() + n);
    return part;
  }

  private static void need(ByteBuffer b, int n) {
    if (b.remaining() < n) {
      throw new IllegalArgumentException(
          "a length runs past its end (" + n + " bytes wanted, " + b.remaining() + " left)");
    }
  }
}
