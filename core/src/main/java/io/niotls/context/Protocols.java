package io.niotls.context;

import java.util.Locale;

/** The protocol versions niotls speaks, and why it speaks no others. */
final class Protocols {
  private Protocols() {}

  /** The canonical name of a supported version, or an error saying why it is refused. */
  static String check(String version) {
    String v = version.trim().toLowerCase(Locale.ROOT).replace("_", ".");
    switch (v) {
      case "tlsv1.3", "tls1.3", "1.3":
        return "TLSv1.3";
      case "tlsv1.2", "tls1.2", "1.2":
        return "TLSv1.2";
      case "tlsv1.1",
          "tls1.1",
          "1.1",
          "tlsv1",
          "tlsv1.0",
          "tls1.0",
          "1.0",
          "sslv3",
          "sslv2",
          "sslv2hello":
        throw new TlsConfigException(
            version
                + " is insecure and unsupported: niotls speaks TLSv1.3 and TLSv1.2 only"
                + " (RFC 8996 deprecates TLS 1.0/1.1; SSL is broken)");
      default:
        throw new TlsConfigException(
            "unknown protocol '" + version + "': niotls speaks TLSv1.3 and TLSv1.2");
    }
  }

  /**
   * The name of the version a native connection reports as its wire number ({@code SSL_version}): a
   * constant, where {@code SSL_get_version} makes a new string each time.
   */
  static String ofVersion(int wire) {
    return switch (wire) {
      case 0x0304 -> "TLSv1.3";
      case 0x0303 -> "TLSv1.2";
      case 0x0302 -> "TLSv1.1";
      case 0x0301 -> "TLSv1";
      default -> "unknown (0x" + Integer.toHexString(wire) + ")";
    };
  }
}
