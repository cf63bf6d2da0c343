package io.niotls.context;

import io.niotls.wire.ClientHelloParser;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.util.List;
import java.util.Set;

/**
 * Which of several server contexts, with keys of different types, a client can verify, read from
 * its ClientHello alone (for {@link SniMapping#choose}). The rules are the RFCs':
 *
 * <ul>
 *   <li>TLS 1.3 (RFC 8446 section 4.2.3): the server signs with a scheme from the client's
 *       signature_algorithms; an EC key only with the scheme of its curve (P-256 with {@code
 *       ecdsa_secp256r1_sha256}, ...), an RSA key only with RSA-PSS ({@code rsa_pss_rsae_*}).
 *   <li>TLS 1.2 (RFC 5246 section 7.4.1.4.1, RFC 8422): the cipher suite names the key type it
 *       authenticates with (ECDHE_ECDSA, ECDHE_RSA, DHE_RSA, RSA), and the signature_algorithms,
 *       when sent, must hold a scheme of that type.
 * </ul>
 *
 * A version counts only when both the client (supported_versions, or none: TLS 1.2) and the context
 * offer it. Immutable facts, no state.
 */
final class KeyTypes {
  private static final int TLS12 = 0x0303;
  private static final int TLS13 = 0x0304;

  /** TLS 1.2 suites authenticated by an ECDSA (or EdDSA, RFC 8422) certificate. */
  private static final Set<Integer> ECDSA_SUITES =
      Set.of(
          0xC02B, 0xC02C, 0xCCA9, 0xC009, 0xC00A, 0xC023, 0xC024, 0xC0AC, 0xC0AD, 0xC0AE, 0xC0AF);

  /** TLS 1.2 suites authenticated by an RSA certificate: ECDHE_RSA, DHE_RSA and RSA. */
  private static final Set<Integer> RSA_SUITES =
      Set.of(
          0xC02F, 0xC030, 0xCCA8, 0xC013, 0xC014, 0xC027, 0xC028, 0x009E, 0x009F, 0xCCAA, 0x0033,
          0x0039, 0x0067, 0x006B, 0x009C, 0x009D, 0x002F, 0x0035, 0x003C, 0x003D, 0x000A);

  private KeyTypes() {}

  /**
   * The key type of a server context, as the mapping tells keys apart: {@code EC P-256}, {@code
   * RSA}, {@code Ed25519}, ...
   */
  static String of(TlsContext context) {
    PublicKey key = context.keyMaterial().certificate().getPublicKey();
    if (key instanceof ECPublicKey ec) {
      return "EC P-" + ec.getParams().getCurve().getField().getFieldSize();
    }
    return key.getAlgorithm();
  }

  /** The first of {@code candidates} the client can verify; the first of all when none. */
  static TlsContext firstVerifiable(List<TlsContext> candidates, ClientHelloParser hello) {
    for (TlsContext candidate : candidates) {
      if (verifiable(candidate, hello)) {
        return candidate;
      }
    }
    return candidates.get(0);
  }

  static boolean verifiable(TlsContext context, ClientHelloParser hello) {
    String type = of(context);
    int[] versions = hello.supportedVersions();
    int[] schemes = hello.signatureSchemes();
    boolean tls13 =
        contains(versions, TLS13)
            && context.protocols().contains("TLSv1.3")
            && schemes != null
            && anyMatch(schemes, s -> tls13Scheme(type, s));
    if (tls13) {
      return true;
    }
    boolean tls12 =
        (versions == null || contains(versions, TLS12)) && context.protocols().contains("TLSv1.2");
    return tls12
        && anyMatch(hello.cipherSuites(), suite -> tls12Suite(type, suite))
        && (schemes == null || anyMatch(schemes, s -> tls12Scheme(type, s)));
  }

  private static boolean tls13Scheme(String type, int scheme) {
    return switch (type) {
      case "EC P-256" -> scheme == 0x0403;
      case "EC P-384" -> scheme == 0x0503;
      case "EC P-521" -> scheme == 0x0603;
      case "RSA" -> scheme >= 0x0804 && scheme <= 0x0806; // rsa_pss_rsae_*
      case "RSASSA-PSS" -> scheme >= 0x0809 && scheme <= 0x080B; // rsa_pss_pss_*
      case "Ed25519", "EdDSA" -> scheme == 0x0807;
      case "Ed448" -> scheme == 0x0808;
      default -> false;
    };
  }

  private static boolean tls12Suite(String type, int suite) {
    return type.startsWith("RSA") ? RSA_SUITES.contains(suite) : ECDSA_SUITES.contains(suite);
  }

  private static boolean tls12Scheme(String type, int scheme) {
    if (type.startsWith("EC ")) {
      return (scheme & 0xff) == 0x03; // ecdsa with any hash: TLS 1.2 does not bind the curve
    }
    if (type.equals("RSA")) {
      return (scheme & 0xff) == 0x01 || scheme >= 0x0804 && scheme <= 0x0806;
    }
    return tls13Scheme(type, scheme);
  }

  private static boolean contains(int[] values, int wanted) {
    return values != null && anyMatch(values, v -> v == wanted);
  }

  private static boolean anyMatch(int[] values, java.util.function.IntPredicate test) {
    if (values == null) {
      return false;
    }
    for (int v : values) {
      if (test.test(v)) {
        return true;
      }
    }
    return false;
  }
}
