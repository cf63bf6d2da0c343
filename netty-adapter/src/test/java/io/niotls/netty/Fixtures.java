package io.niotls.netty;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.testing.Matrix;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Contexts over the core test PKI, built once per JVM. Without resumption, so one test's sessions
 * never change another's handshake; the resumption tests build their own.
 */
final class Fixtures {
  static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
  private static final Map<String, TlsContext> CACHE = new ConcurrentHashMap<>();

  private Fixtures() {}

  static TlsContext server(Provider provider, String protocol) {
    return CACHE.computeIfAbsent(
        "server " + provider + protocol,
        k ->
            Contexts.server(provider, KeyType.EC_P256)
                .protocols(protocol)
                .sessionResumption(false)
                .build());
  }

  static TlsContext client(Provider provider, String protocol) {
    return CACHE.computeIfAbsent(
        "client " + provider + protocol,
        k ->
            Contexts.client(provider, KeyType.EC_P256)
                .protocols(protocol)
                .sessionResumption(false)
                .build());
  }

  /** Every provider (JDK, OPENSSL, BORINGSSL) times both protocol versions. */
  static Stream<Arguments> providersAndProtocols() {
    return Matrix.providersAndProtocols();
  }

  /** Every provider: JDK, OPENSSL and BORINGSSL. */
  static Stream<Provider> providers() {
    return Matrix.providers();
  }
}
