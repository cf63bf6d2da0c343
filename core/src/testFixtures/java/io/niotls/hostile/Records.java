package io.niotls.hostile;

import io.niotls.wire.TlsRecords;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Hand-built TLS records and record-layer parsing for tests: what a malicious or confused peer puts
 * on the wire, byte by byte (RFC 8446 section 5.1, RFC 5246 section 6.2), and the records a
 * captured stream of ciphertext holds, for tests that count them. Content types and limits are
 * {@link TlsRecords}'.
 */
public final class Records {
  public static final int WARNING = 1;
  public static final int FATAL = 2;

  // alert descriptions (RFC 8446 section 6)
  public static final int UNEXPECTED_MESSAGE = 10;
  public static final int RECORD_OVERFLOW = 22;
  public static final int NO_RENEGOTIATION = 100;

  private Records() {}

  /** A 5-byte record header: type, legacy version 3.3, body length. */
  public static byte[] header(int type, int bodyLength) {
    return new byte[] {
      (byte) type, 3, 3, (byte) (bodyLength >>> 8), (byte) bodyLength,
    };
  }

  /** A whole plaintext record. */
  public static byte[] record(int type, byte[] body) {
    return concat(header(type, body.length), body);
  }

  /** A plaintext alert record, as sent before encryption starts. */
  public static byte[] alert(int level, int description) {
    return record(TlsRecords.ALERT, new byte[] {(byte) level, (byte) description});
  }

  public static byte[] httpGet() {
    return "GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: curl/8.0\r\nAccept: */*\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII);
  }

  public static byte[] repeat(byte[] unit, int times) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(unit.length * times);
    for (int i = 0; i < times; i++) {
      out.writeBytes(unit);
    }
    return out.toByteArray();
  }

  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  /** The last plaintext record in {@code stream}, which must be a fatal alert: its description. */
  public static int lastFatalAlert(byte[] stream) {
    List<Parsed> records = parse(stream);
    if (records.isEmpty()) {
      throw new AssertionError("no record was sent");
    }
    Parsed last = records.get(records.size() - 1);
    if (last.type() != TlsRecords.ALERT || last.body().length != 2 || last.body()[0] != FATAL) {
      throw new AssertionError("the last record sent is not a plaintext fatal alert: " + last);
    }
    return last.body()[1] & 0xff;
  }

  /** One parsed record: its content type and body (still encrypted when it was). */
  public record Parsed(int type, byte[] body) {
    @Override
    public String toString() {
      return "record type " + type + ", " + body.length + " bytes";
    }
  }

  /**
   * Splits a byte stream into whole records; a trailing partial record is left out.
   *
   * @throws IllegalArgumentException if the stream is not a sequence of TLS records
   */
  public static List<Parsed> parse(byte[] stream) {
    List<Parsed> records = new ArrayList<>();
    int at = 0;
    ByteBuffer bytes = ByteBuffer.wrap(stream);
    while (at + TlsRecords.HEADER_LENGTH <= stream.length) {
      if (!TlsRecords.isTls(bytes.position(at))) {
        throw new IllegalArgumentException("not a TLS record at offset " + at);
      }
      int length = TlsRecords.bodyLength(bytes);
      if (at + TlsRecords.HEADER_LENGTH + length > stream.length) {
        break;
      }
      byte[] body = new byte[length];
      System.arraycopy(stream, at + TlsRecords.HEADER_LENGTH, body, 0, length);
      records.add(new Parsed(TlsRecords.contentType(bytes), body));
      at += TlsRecords.HEADER_LENGTH + length;
    }
    return records;
  }

  /**
   * Splits captured ciphertext into its records, which must be whole: fails when it ends inside a
   * record.
   */
  public static List<Parsed> parseWhole(byte[] stream) {
    List<Parsed> records = parse(stream);
    int length = 0;
    for (Parsed record : records) {
      length += TlsRecords.HEADER_LENGTH + record.body().length;
    }
    if (length != stream.length) {
      throw new AssertionError(
          "the ciphertext ends inside a record: "
              + (stream.length - length)
              + " bytes after "
              + records.size()
              + " whole records");
    }
    return records;
  }
}
