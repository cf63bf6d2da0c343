package io.niotls.context;

import java.util.List;

/**
 * What {@link TlsContextBuilder#datagrams()} makes of the other settings: DTLS 1.2 on the JDK, the
 * TLS 1.2 suites of the list (DTLS 1.2 cannot use TLS 1.3's), and a clear refusal of the providers
 * that have no DTLS here.
 */
final class DatagramSettings {
  static final String DTLS_1_2 = "DTLSv1.2";

  private DatagramSettings() {}

  static void apply(TlsContextBuilder b) {
    if (b.provider == Provider.OPENSSL || b.provider == Provider.BORINGSSL) {
      throw new TlsConfigException(
          "DTLS was asked for with the "
              + b.provider
              + " provider, but netty-tcnative does not expose BoringSSL's DTLS: use the JDK"
              + " provider (provider(Provider.JDK), or AUTO, which picks it for datagrams)");
    }
    b.provider = Provider.JDK;
    b.protocols = List.of(DTLS_1_2);
    List<String> tls12 = b.cipherSuites.stream().filter(s -> !isTls13Only(s)).toList();
    if (tls12.isEmpty()) {
      throw new TlsConfigException(
          "DTLS 1.2 needs TLS 1.2 cipher suites (TLS_ECDHE_..._GCM_...), but every suite given is"
              + " TLS 1.3's: "
              + b.cipherSuites);
    }
    b.cipherSuites = tls12;
  }

  /** TLS 1.3's suites name no key exchange: {@code TLS_AES_128_GCM_SHA256}. */
  private static boolean isTls13Only(String suite) {
    return suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_");
  }
}
