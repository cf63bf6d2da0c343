package io.niotls.netty;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Finds the server name a client asks for (SNI, RFC 6066 section 3) in the first bytes of a TLS
 * connection, before any engine sees them. Pure: no I/O, no state, never moves the buffer's
 * position, reads nothing past its limit, and gives up on a ClientHello larger than {@link
 * #MAX_CLIENT_HELLO} bytes, so a hostile client can make it neither loop nor buffer without bound.
 *
 * <p>The ClientHello may be split over several records (RFC 8446 section 5.1) and those over any
 * number of reads: call {@link #parse} again with more bytes after {@link Result#NEED_MORE}.
 */
public final class ClientHelloSni {
  /** The largest ClientHello (handshake message, header included) this parser will wait for. */
  public static final int MAX_CLIENT_HELLO = 64 * 1024;

  private static final int RECORD_HEADER = 5;
  private static final int HANDSHAKE_RECORD = 22;
  private static final int CLIENT_HELLO = 1;
  private static final int MAX_RECORD_BODY = 1 << 14;
  private static final int SERVER_NAME_EXTENSION = 0;
  private static final int HOST_NAME = 0;

  private ClientHelloSni() {}

  /** What {@link #parse} found. */
  public enum Kind {
    /** The ClientHello is not complete yet: call again with more bytes. */
    NEED_MORE,
    /** A complete ClientHello with a host name: {@link Result#serverName()}. */
    FOUND,
    /** A complete ClientHello without a server_name extension (or without a host name in it). */
    ABSENT,
    /** Not a TLS ClientHello, or a malformed one: {@link Result#problem()} says why. */
    INVALID
  }

  /**
   * @param kind what was found
   * @param serverName the host name, lower case, for FOUND; null otherwise
   * @param problem why the bytes were refused, for INVALID; null otherwise
   */
  public record Result(Kind kind, String serverName, String problem) {
    public static final Result NEED_MORE = new Result(Kind.NEED_MORE, null, null);
    public static final Result ABSENT = new Result(Kind.ABSENT, null, null);

    static Result found(String name) {
      return new Result(Kind.FOUND, name, null);
    }

    static Result invalid(String problem) {
      return new Result(Kind.INVALID, null, problem);
    }
  }

  /** Parses the bytes from {@code buffer}'s position to its limit; the buffer is not modified. */
  public static Result parse(ByteBuffer buffer) {
    // Gather handshake bytes from consecutive records until the ClientHello is whole.
    int at = buffer.position();
    int end = buffer.limit();
    byte[] hello = null;
    int helloLength = 0;
    while (true) {
      Result header = checkRecordHeader(buffer, at, end, hello == null);
      if (header != null) {
        return header;
      }
      int bodyLength = u16(buffer, at + 3);
      if (end - at < RECORD_HEADER + bodyLength) {
        return Result.NEED_MORE;
      }
      if (helloLength + bodyLength > MAX_CLIENT_HELLO) {
        return Result.invalid("the ClientHello is larger than " + MAX_CLIENT_HELLO + " bytes");
      }
      hello = hello == null ? new byte[bodyLength] : Arrays.copyOf(hello, helloLength + bodyLength);
      buffer.get(at + RECORD_HEADER, hello, helloLength, bodyLength);
      helloLength += bodyLength;
      at += RECORD_HEADER + bodyLength;
      if (helloLength >= 4) {
        if ((hello[0] & 0xff) != CLIENT_HELLO) {
          return Result.invalid(
              "the first handshake message is not a ClientHello (type " + (hello[0] & 0xff) + ")");
        }
        int messageLength =
            ((hello[1] & 0xff) << 16) | ((hello[2] & 0xff) << 8) | (hello[3] & 0xff);
        if (4 + messageLength > MAX_CLIENT_HELLO) {
          return Result.invalid(
              "the ClientHello announces " + messageLength + " bytes, more than we accept");
        }
        if (helloLength >= 4 + messageLength) {
          return new HelloReader(hello, 4, 4 + messageLength).serverName();
        }
      }
    }
  }

  /** Null when a record header may follow at {@code at}; else NEED_MORE or INVALID. */
  private static Result checkRecordHeader(ByteBuffer b, int at, int end, boolean first) {
    if (end - at >= 1) {
      int type = b.get(at) & 0xff;
      if (type != HANDSHAKE_RECORD) {
        if (!first) {
          return Result.invalid("the ClientHello is interrupted by a record of type " + type);
        }
        return Result.invalid(
            (type & 0x80) != 0
                ? "an SSLv2-format ClientHello: SSL 2.0 and 3.0 are not spoken"
                : String.format("not a TLS handshake (first byte 0x%02x): wrong protocol?", type));
      }
    }
    if (end - at >= 2 && (b.get(at + 1) & 0xff) != 3) {
      return Result.invalid(
          String.format("not a TLS record (version major 0x%02x)", b.get(at + 1) & 0xff));
    }
    if (end - at < RECORD_HEADER) {
      return Result.NEED_MORE;
    }
    int length = u16(b, at + 3);
    if (length == 0) {
      return Result.invalid("an empty handshake record (RFC 8446 section 5.1 forbids them)");
    }
    if (length > MAX_RECORD_BODY) {
      return Result.invalid("a " + length + "-byte record, more than TLS allows for plaintext");
    }
    return null;
  }

  private static int u16(ByteBuffer b, int at) {
    return ((b.get(at) & 0xff) << 8) | (b.get(at + 1) & 0xff);
  }

  /** Reads one whole ClientHello body with a bounds check on every step. */
  private static final class HelloReader {
    private final byte[] data;
    private int at;
    private int end;

    HelloReader(byte[] data, int from, int to) {
      this.data = data;
      this.at = from;
      this.end = to;
    }

    Result serverName() {
      try {
        if (u8() != 3) {
          return Result.invalid("the ClientHello's version is not TLS");
        }
        skip(1 + 32); // legacy_version minor, random
        int sessionId = u8();
        if (sessionId > 32) {
          return Result.invalid("a legacy_session_id longer than 32 bytes");
        }
        skip(sessionId);
        int suites = u16();
        if (suites < 2 || suites % 2 != 0) {
          return Result.invalid("a malformed cipher_suites list");
        }
        skip(suites);
        int compressions = u8();
        if (compressions < 1) {
          return Result.invalid("an empty compression_methods list");
        }
        skip(compressions);
        if (at == end) {
          return Result.ABSENT; // TLS 1.2 allows a ClientHello without extensions
        }
        if (u16() != end - at) {
          return Result.invalid("the extensions do not fill the ClientHello exactly");
        }
        return extensions();
      } catch (IndexOutOfBoundsException e) {
        return Result.invalid("the ClientHello is malformed: " + e.getMessage());
      }
    }

    private Result extensions() {
      String name = null;
      boolean seen = false;
      while (at < end) {
        int type = u16();
        int length = u16();
        int next = at + length;
        if (next > end) {
          throw new IndexOutOfBoundsException("extension " + type + " overruns the ClientHello");
        }
        if (type == SERVER_NAME_EXTENSION) {
          if (seen) {
            return Result.invalid("two server_name extensions");
          }
          seen = true;
          int outer = end;
          end = next;
          Result r = serverNameList();
          end = outer;
          if (r.kind() == Kind.INVALID) {
            return r;
          }
          name = r.serverName();
        }
        at = next;
      }
      return name == null ? Result.ABSENT : Result.found(name);
    }

    private Result serverNameList() {
      if (u16() != end - at || at == end) {
        return Result.invalid("a malformed server_name list");
      }
      String hostName = null;
      while (at < end) {
        int type = u8();
        int length = u16();
        if (length > end - at) {
          throw new IndexOutOfBoundsException("a server name overruns its extension");
        }
        if (type == HOST_NAME) {
          if (hostName != null) {
            return Result.invalid("two host names in server_name (RFC 6066 forbids it)");
          }
          String problem = hostNameProblem(data, at, length);
          if (problem != null) {
            return Result.invalid(problem);
          }
          hostName = new String(data, at, length, StandardCharsets.US_ASCII);
        }
        at += length;
      }
      return hostName == null ? Result.ABSENT : Result.found(hostName.toLowerCase(Locale.ROOT));
    }

    private int u8() {
      if (at >= end) {
        throw new IndexOutOfBoundsException("it ends early");
      }
      return data[at++] & 0xff;
    }

    private int u16() {
      return (u8() << 8) | u8();
    }

    private void skip(int n) {
      if (n > end - at) {
        throw new IndexOutOfBoundsException("it ends early");
      }
      at += n;
    }
  }

  /** Null for a DNS host name in ASCII (letters, digits, '-', '_', dots between labels). */
  static String hostNameProblem(byte[] data, int from, int length) {
    if (length == 0 || length > 253) {
      return "a server name of " + length + " bytes";
    }
    int label = 0;
    for (int i = from; i < from + length; i++) {
      int c = data[i] & 0xff;
      if (c == '.') {
        if (label == 0) {
          return "an empty label in the server name (or a trailing dot)";
        }
        label = 0;
      } else if (Character.isLetterOrDigit(c) && c < 0x80 || c == '-' || c == '_') {
        if (++label > 63) {
          return "a label longer than 63 characters in the server name";
        }
      } else {
        return String.format("a byte 0x%02x that no host name contains in the server name", c);
      }
    }
    return label == 0 ? "the server name ends with a dot" : null;
  }
}
