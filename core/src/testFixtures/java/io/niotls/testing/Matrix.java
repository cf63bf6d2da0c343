package io.niotls.testing;

import io.niotls.context.Provider;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The provider and protocol combinations every path is tested with, for {@code @MethodSource(
 * "io.niotls.testing.Matrix#providersAndProtocols")}.
 */
public final class Matrix {
  private Matrix() {}

  /** The JDK's engine, BoringSSL through Netty's engine, and BoringSSL driven directly. */
  public static Stream<Provider> providers() {
    return Stream.of(Provider.JDK, Provider.OPENSSL, Provider.BORINGSSL);
  }

  /** Every provider times TLS 1.3 and 1.2. */
  public static Stream<Arguments> providersAndProtocols() {
    return withProtocols(providers());
  }

  private static Stream<Arguments> withProtocols(Stream<Provider> providers) {
    return providers.flatMap(p -> Stream.of("TLSv1.3", "TLSv1.2").map(v -> Arguments.of(p, v)));
  }
}
