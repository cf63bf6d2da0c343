package io.niotls.engine;

import io.niotls.wire.TlsRecords;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * How a refusal that niotls decided (a record the guards refuse, an ALPN list that shares nothing)
 * reaches the peer as a fatal alert with the description the RFC names, rather than as a warning
 * close_notify that looks like a clean end.
 *
 * <p>While none of our records is encrypted yet, the alert is a plaintext record we build
 * ourselves, exactly as the provider would. Once ours are encrypted, only the provider holds the
 * keys, and neither SSLEngine takes an alert to send: the provider is given a forged record header
 * that its own record layer refuses ({@link EngineQuirks#provocation}), and it sends its own fatal
 * alert, encrypted. What that alert says is the provider's choice:
 *
 * <ul>
 *   <li>SunJSSE answers a record longer than it accepts with {@code unexpected_message}, the one
 *       description its record layer sends (it has no code that sends {@code record_overflow} or
 *       {@code no_renegotiation});
 *   <li>BoringSSL answers a record over 2^14 + 2048 bytes with {@code record_overflow}, and a
 *       record whose version is wrong with {@code protocol_version}, its nearest refusal to an
 *       {@code unexpected_message} that it only sends for what it decides itself. (A BoringSSL
 *       server refuses renegotiation with {@code no_renegotiation} on its own: see {@link
 *       EngineQuirks#refusesRenegotiation}.)
 * </ul>
 */
final class FatalAlerts {
  private static final byte ALERT = TlsRecords.ALERT;
  private static final byte FATAL = 2;

  /** The RFC 8446 (section 6) registry codes of the alerts niotls itself sends. */
  private static final Map<String, Integer> CODES =
      Map.of(
          "unexpected_message", 10,
          "record_overflow", 22,
          "handshake_failure", 40,
          "decode_error", 50,
          "protocol_version", 70,
          "internal_error", 80,
          "no_renegotiation", 100,
          "unrecognized_name", 112,
          "no_application_protocol", 120);

  private FatalAlerts() {}

  /** The fatal alert record for {@code alert}, in plaintext: only before our records are sealed. */
  static ByteBuffer plaintext(String alert) {
    Integer code = CODES.get(alert);
    int description = code == null ? CODES.get("internal_error") : code;
    return ByteBuffer.wrap(new byte[] {ALERT, 3, 3, 0, 2, FATAL, (byte) description});
  }

  /**
   * Whether the {@code produced} bytes at the end of {@code out} (whole records, in read mode) hold
   * a record that only the keys can read: a ChangeCipherSpec (TLS 1.2, and TLS 1.3's compatibility
   * mode) or an application-data record (every TLS 1.3 encrypted record). After one, our alerts
   * must be encrypted too.
   */
  static boolean sealsFromHere(ByteBuffer out, int produced) {
    int at = out.limit() - produced;
    while (at >= out.position() && at + TlsRecords.HEADER_LENGTH <= out.limit()) {
      int type = TlsRecords.contentType(out, at);
      if (type == TlsRecords.CHANGE_CIPHER_SPEC || type == TlsRecords.APPLICATION_DATA) {
        return true;
      }
      at += TlsRecords.HEADER_LENGTH + TlsRecords.bodyLength(out, at);
    }
    return false;
  }
}
