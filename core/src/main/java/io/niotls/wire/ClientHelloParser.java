package io.niotls.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the first handshake message a client sends, the ClientHello (RFC 8446 section 4.1.2, RFC
 * 5246 section 7.4.1.2), from the start of a connection's byte stream, and finds in it the server
 * name (SNI, RFC 6066 section 3) and the offered application protocols (ALPN, RFC 7301 section
 * 3.1). Used before any engine sees the bytes, to choose a context by name or to refuse a client
 * whose ALPN list we cannot serve.
 *
 * <p>Incremental: {@link #feed} it the stream's bytes as they arrive, in pieces of any size; the
 * ClientHello may be split over several handshake records and those over any number of pieces.
 * Bounded: it holds at most the message it reads, and refuses one longer than {@link
 * #MAX_CLIENT_HELLO}, so a hostile client can make it neither loop nor buffer without bound. It
 * never reads past a buffer's limit nor moves its position. Not thread-safe: one per connection.
 */
public final class ClientHelloParser {
  /** A ClientHello body longer than this is refused: real ones are a few hundred bytes to KiBs. */
  public static final int MAX_CLIENT_HELLO = 64 * 1024;

  /** The handshake message header: type and a 3-byte length. */
  private static final int MESSAGE_HEADER = 4;

  private static final int CLIENT_HELLO = 1;
  private static final int SERVER_NAME = 0;
  private static final int HOST_NAME = 0;
  private static final int ALPN = 16;
  private static final int SIGNATURE_ALGORITHMS = 13;
  private static final int SUPPORTED_VERSIONS = 43;
  private static final int MAX_SESSION_ID = 32;

  /** What is known so far; every state but NEED_MORE is final. */
  public enum State {
    /** More bytes are needed. */
    NEED_MORE,
    /**
     * The stream does not carry a ClientHello in handshake records: not TLS, an SSL 2.0 hello, an
     * empty record, another handshake message, or a record of another type before the hello ends.
     * {@link #problem()} says which. Whoever reads the stream next refuses it in its own words (an
     * engine does, from the record header or the message type).
     */
    NOT_A_CLIENT_HELLO,
    /**
     * A ClientHello that cannot be read, or longer than {@link #MAX_CLIENT_HELLO}, or in a record
     * longer than plaintext may be: {@link #problem()} says why, {@link #alert()} what to answer.
     */
    MALFORMED,
    /**
     * The whole ClientHello was read: see {@link #serverName()}, {@link #serverNameProblem()} and
     * {@link #alpn()}.
     */
    DONE
  }

  private State state = State.NEED_MORE;
  private String problem;
  private String alert;

  // the record being read
  private int records; // headers read so far
  private int headerSeen; // bytes of the current record header seen, 0 to 4
  private int recordLength;
  private int bodyLeft; // of the current record

  // the handshake message being collected from the records' bodies
  private byte[] message = new byte[MESSAGE_HEADER];
  private int messageLength; // bytes collected
  private int messageEnd = -1; // header included; -1 until the header is in

  // what the ClientHello says
  private String serverName;
  private String serverNameProblem;
  private List<String> alpn;
  private int[] cipherSuites;
  private int[] signatureSchemes;
  private int[] supportedVersions;

  /**
   * Takes the bytes from {@code bytes}' position to its limit, which follow the bytes fed before;
   * leaves the buffer as it was. Once the state is final, further bytes are ignored.
   *
   * @return the state after these bytes
   */
  public State feed(ByteBuffer bytes) {
    int at = bytes.position();
    int end = bytes.limit();
    while (state == State.NEED_MORE && at < end) {
      if (bodyLeft == 0) {
        recordHeaderByte(bytes.get(at++) & 0xff);
      } else {
        int wanted = (messageEnd < 0 ? MESSAGE_HEADER : messageEnd) - messageLength;
        int n = Math.min(Math.min(bodyLeft, end - at), wanted);
        collect(bytes, at, n);
        at += n;
        bodyLeft -= n;
        messageProgress();
      }
    }
    return state;
  }

  /** The state after the bytes fed so far. */
  public State state() {
    return state;
  }

  /** Why the stream is NOT_A_CLIENT_HELLO or MALFORMED; null in the other states. */
  public String problem() {
    return problem;
  }

  /**
   * The fatal alert the RFCs name for a MALFORMED ClientHello: {@code record_overflow} for a record
   * longer than plaintext may be, {@code decode_error} otherwise; null in the other states.
   */
  public String alert() {
    return alert;
  }

  /**
   * Once DONE: the host name the client asks for, in lower case; null when it sends none (no
   * server_name extension, no host_name in it) or one that is not a host name.
   */
  public String serverName() {
    return serverName;
  }

  /**
   * Once DONE: why the host name the client sent is not one ({@link HostNameSyntax}); null when it
   * is one or none was sent. Kept apart from MALFORMED: the name's syntax matters to whoever
   * chooses by name, not to the rest of the handshake.
   */
  public String serverNameProblem() {
    return serverNameProblem;
  }

  /**
   * Once DONE: the protocols the client offers, in its order; null when it sent no ALPN extension.
   */
  public List<String> alpn() {
    return alpn;
  }

  /**
   * Once DONE: the cipher suites the client offers (their 16-bit code points, in its order). Read
   * to choose among certificates of several key types: a TLS 1.2 suite names the key type it
   * authenticates with.
   */
  public int[] cipherSuites() {
    return cipherSuites == null ? null : cipherSuites.clone();
  }

  /**
   * Once DONE: the signature schemes of the client's signature_algorithms extension (RFC 8446
   * section 4.2.3, RFC 5246 section 7.4.1.4.1), in its order; null when it sent none. A list that
   * cannot be read counts as none: what it means for the handshake is the engine's to judge.
   */
  public int[] signatureSchemes() {
    return signatureSchemes == null ? null : signatureSchemes.clone();
  }

  /**
   * Once DONE: the versions of the client's supported_versions extension (RFC 8446 section 4.2.1),
   * such as {@code 0x0304} for TLS 1.3; null when it sent none (a TLS 1.2 client). A list that
   * cannot be read counts as none, as for {@link #signatureSchemes()}.
   */
  public int[] supportedVersions() {
    return supportedVersions == null ? null : supportedVersions.clone();
  }

  private void recordHeaderByte(int b) {
    switch (headerSeen++) {
      case 0 -> {
        if (b != TlsRecords.HANDSHAKE) {
          notAClientHello(
              records > 0
                  ? "the ClientHello is interrupted by a record of type " + b
                  : (b & 0x80) != 0
                      ? "an SSLv2-format ClientHello: SSL 2.0 and 3.0 are not spoken"
                      : String.format(
                          "not a TLS handshake (first byte 0x%02x): wrong protocol?", b));
        }
      }
      case 1 -> {
        if (b != TlsRecords.MAJOR_VERSION) {
          notAClientHello(String.format("not a TLS record (version major 0x%02x)", b));
        }
      }
      case 2 -> {} // the minor version: any
      case 3 -> recordLength = b << 8;
      default -> {
        recordLength |= b;
        headerSeen = 0;
        records++;
        if (recordLength == 0) {
          notAClientHello("an empty handshake record (RFC 8446 section 5.1 forbids them)");
        } else if (recordLength > TlsRecords.MAX_PLAINTEXT_BODY) {
          malformed(
              "record_overflow",
              "the ClientHello comes in a "
                  + recordLength
                  + "-byte record, more than the "
                  + TlsRecords.MAX_PLAINTEXT_BODY
                  + " TLS allows in plaintext (RFC 8446 section 5.1)");
        } else {
          bodyLeft = recordLength;
        }
      }
    }
  }

  /** Appends {@code n} bytes from index {@code at}, growing the message as its bytes arrive. */
  private void collect(ByteBuffer bytes, int at, int n) {
    if (messageLength + n > message.length) {
      // grows with the bytes that came, not with the length a client announces
      int size = Math.max(Math.max(2 * message.length, 512), messageLength + n);
      byte[] bigger = new byte[Math.min(size, messageEnd)];
      System.arraycopy(message, 0, bigger, 0, messageLength);
      message = bigger;
    }
    bytes.get(at, message, messageLength, n);
    messageLength += n;
  }

  private void messageProgress() {
    if (messageEnd < 0) {
      if (messageLength < MESSAGE_HEADER) {
        return;
      }
      int type = message[0] & 0xff;
      if (type != CLIENT_HELLO) {
        notAClientHello("the first handshake message is not a ClientHello (type " + type + ")");
        return;
      }
      int length = ((message[1] & 0xff) << 16) | ((message[2] & 0xff) << 8) | (message[3] & 0xff);
      if (length > MAX_CLIENT_HELLO) {
        malformed(
            "decode_error",
            "the ClientHello announces " + length + " bytes, more than " + MAX_CLIENT_HELLO);
        return;
      }
      messageEnd = MESSAGE_HEADER + length;
    }
    if (messageLength == messageEnd) {
      parse();
    }
  }

  /** Reads the whole message; every length is checked against what holds it. */
  private void parse() {
    try {
      MessageCursor hello = new MessageCursor(message, MESSAGE_HEADER, messageEnd);
      int major = hello.u8();
      if (major != TlsRecords.MAJOR_VERSION) {
        throw new MessageCursor.Malformed("its version is not TLS (major " + major + ")");
      }
      hello.skip(1 + 32); // legacy_version's minor, random
      int sessionId = hello.u8();
      if (sessionId > MAX_SESSION_ID) {
        throw new MessageCursor.Malformed(
            "a legacy_session_id of " + sessionId + " bytes, more than 32");
      }
      hello.skip(sessionId);
      int suites = hello.u16();
      if (suites < 2 || suites % 2 != 0) {
        throw new MessageCursor.Malformed("a cipher_suites list of " + suites + " bytes");
      }
      cipherSuites = new int[suites / 2];
      for (int i = 0; i < cipherSuites.length; i++) {
        cipherSuites[i] = hello.u16();
      }
      int compressions = hello.u8();
      if (compressions < 1) {
        throw new MessageCursor.Malformed("an empty compression_methods list");
      }
      hello.skip(compressions);
      if (hello.hasRemaining()) { // TLS 1.2 allows a ClientHello without extensions
        if (hello.u16() != hello.remaining()) {
          throw new MessageCursor.Malformed("the extensions do not fill the ClientHello exactly");
        }
        extensions(hello);
      }
      state = State.DONE;
    } catch (MessageCursor.Malformed e) {
      malformed("decode_error", "the ClientHello cannot be read: " + e.getMessage());
    }
    message = null; // done with it
  }

  private void extensions(MessageCursor hello) {
    boolean sawServerName = false;
    while (hello.hasRemaining()) {
      int type = hello.u16();
      int length = hello.u16();
      if (length > hello.remaining()) {
        throw new MessageCursor.Malformed("extension " + type + " overruns the ClientHello");
      }
      MessageCursor data = hello.take(length);
      if (type == SERVER_NAME) {
        if (sawServerName) {
          throw new MessageCursor.Malformed("two server_name extensions");
        }
        sawServerName = true;
        serverNames(data);
      } else if (type == ALPN) {
        if (alpn != null) {
          throw new MessageCursor.Malformed("two ALPN extensions");
        }
        alpn = protocols(data);
      } else if (type == SIGNATURE_ALGORITHMS && signatureSchemes == null) {
        signatureSchemes = u16List(data, 2);
      } else if (type == SUPPORTED_VERSIONS && supportedVersions == null) {
        supportedVersions = u16List(data, 1);
      }
    }
  }

  /**
   * A list of 16-bit values behind a length of {@code lengthBytes} bytes that fills its extension;
   * null when it does not read as one (lenient: these lists only inform a choice of certificate).
   */
  private static int[] u16List(MessageCursor data, int lengthBytes) {
    if (data.remaining() < lengthBytes) {
      return null;
    }
    int length = lengthBytes == 1 ? data.u8() : data.u16();
    if (length != data.remaining() || length % 2 != 0) {
      return null;
    }
    int[] values = new int[length / 2];
    for (int i = 0; i < values.length; i++) {
      values[i] = data.u16();
    }
    return values;
  }

  /** RFC 6066 section 3: a non-empty list filling its extension, at most one host_name. */
  private void serverNames(MessageCursor data) {
    if (data.u16() != data.remaining() || !data.hasRemaining()) {
      throw new MessageCursor.Malformed("a malformed server_name list");
    }
    boolean sawHostName = false;
    while (data.hasRemaining()) {
      int type = data.u8();
      int length = data.u16();
      if (length > data.remaining()) {
        throw new MessageCursor.Malformed("a server name overruns its extension");
      }
      MessageCursor name = data.take(length);
      if (type == HOST_NAME) {
        if (sawHostName) {
          throw new MessageCursor.Malformed("two host names in server_name (RFC 6066 forbids it)");
        }
        sawHostName = true;
        serverNameProblem = HostNameSyntax.problem(name.data, name.at, length);
        if (serverNameProblem == null) {
          serverName =
              new String(name.data, name.at, length, StandardCharsets.US_ASCII)
                  .toLowerCase(Locale.ROOT);
        }
      }
    }
  }

  /** RFC 7301 section 3.1: a non-empty list of non-empty names. */
  private static List<String> protocols(MessageCursor data) {
    MessageCursor list = data.take(data.u16());
    List<String> names = new ArrayList<>();
    while (list.hasRemaining()) {
      int n = list.u8();
      if (n == 0) {
        throw new MessageCursor.Malformed("an empty ALPN protocol name");
      }
      MessageCursor name = list.take(n);
      names.add(new String(name.data, name.at, n, StandardCharsets.ISO_8859_1));
    }
    if (names.isEmpty()) {
      throw new MessageCursor.Malformed("an empty ALPN protocol list");
    }
    return names;
  }

  private void notAClientHello(String why) {
    problem = why;
    state = State.NOT_A_CLIENT_HELLO;
    message = null;
  }

  private void malformed(String alert, String why) {
    this.alert = alert;
    problem = why;
    state = State.MALFORMED;
    message = null;
  }
}
