package io.niotls.testing;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContextBuilder;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Which provider plays the client and which the server: one of the combinations the engine contract
 * and channel tests run for. Builders start from {@link Contexts}: the server presents the test
 * PKI's certificate, the client trusts its CA.
 */
public record Peers(Provider client, Provider server) {
  public static final Peers JDK_JDK = new Peers(Provider.JDK, Provider.JDK);
  public static final Peers OPENSSL_OPENSSL = new Peers(Provider.OPENSSL, Provider.OPENSSL);
  public static final Peers JDK_OPENSSL = new Peers(Provider.JDK, Provider.OPENSSL);
  public static final Peers OPENSSL_JDK = new Peers(Provider.OPENSSL, Provider.JDK);
  public static final Peers BORINGSSL_BORINGSSL = new Peers(Provider.BORINGSSL, Provider.BORINGSSL);
  public static final Peers BORINGSSL_JDK = new Peers(Provider.BORINGSSL, Provider.JDK);
  public static final Peers JDK_BORINGSSL = new Peers(Provider.JDK, Provider.BORINGSSL);

  /** Each provider with itself, and the JDK with each of the others, both ways round. */
  public static Stream<Peers> pairings() {
    return Stream.of(
        JDK_JDK,
        OPENSSL_OPENSSL,
        JDK_OPENSSL,
        OPENSSL_JDK,
        BORINGSSL_BORINGSSL,
        BORINGSSL_JDK,
        JDK_BORINGSSL);
  }

  /** Each of {@link #pairings()} in TLS 1.3 and in TLS 1.2: (peers, protocol) arguments. */
  public static Stream<Arguments> pairingsAndProtocols() {
    return pairings().flatMap(p -> Stream.of("TLSv1.3", "TLSv1.2").map(v -> Arguments.of(p, v)));
  }

  public TlsContextBuilder clientContext(KeyType keyType) {
    return Contexts.client(client, keyType);
  }

  public TlsContextBuilder serverContext(KeyType keyType) {
    return Contexts.server(server, keyType);
  }

  /** An EC P-256 client context speaking {@code protocol} only. */
  public TlsContextBuilder clientContext(String protocol) {
    return clientContext(KeyType.EC_P256).protocols(protocol);
  }

  /** An EC P-256 server context speaking {@code protocol} only. */
  public TlsContextBuilder serverContext(String protocol) {
    return serverContext(KeyType.EC_P256).protocols(protocol);
  }

  @Override
  public String toString() {
    return client + " client, " + server + " server";
  }
}
