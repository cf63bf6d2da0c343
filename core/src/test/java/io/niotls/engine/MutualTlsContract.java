package io.niotls.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.GeneratedCertificate;
import io.niotls.context.ClientAuth;
import io.niotls.context.TlsContext;
import io.niotls.context.TlsContextBuilder;
import io.niotls.testing.MemoryPair;
import io.niotls.testing.TestPki;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Client certificates: a server that requires one accepts a client with a trusted certificate and
 * refuses one without, or with an untrusted one, saying why. In TLS 1.3 the client finishes first
 * and learns of the refusal from the server's alert on its next read.
 */
interface MutualTlsContract extends Contract {

  private TlsContext server(String protocol, ClientAuth clientAuth) {
    return peers()
        .serverContext(protocol)
        .clientAuth(clientAuth)
        .trustCertificates(List.of(TestPki.ec().ca().certificate()))
        .build();
  }

  private TlsContext client(String protocol, GeneratedCertificate certificate) {
    TlsContextBuilder builder = peers().clientContext(protocol);
    return certificate == null
        ? builder.build()
        : builder.keyMaterial(certificate.keyMaterial()).build();
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("io.niotls.engine.Cases#PROTOCOLS")
  default void aRequiredClientCertificateThatIsTrustedIsAccepted(String protocol) {
    GeneratedCertificate certificate = TestPki.ec().client();
    try (MemoryPair pair =
        MemoryPair.builder(client(protocol, certificate), server(protocol, ClientAuth.REQUIRE))
            .build()) {
      pair.handshake();
      byte[] hello = {1, 2, 3};
      assertThat(pair.send(pair.client, pair.server, hello)).isEqualTo(hello);

      assertThat(pair.server.session().peerFingerprint()).isEqualTo(certificate.sha256());
      assertThat(pair.server.session().peerCertificates().get(0))
          .isEqualTo(certificate.certificate());
    }
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("io.niotls.engine.Cases#PROTOCOLS")
  default void aClientWithoutACertificateIsRefusedWhenOneIsRequired(String protocol) {
    try (MemoryPair pair =
        MemoryPair.builder(client(protocol, null), server(protocol, ClientAuth.REQUIRE)).build()) {
      TlsException failure = handshakeFailure(pair, pair.server);

      assertThat(failure)
          .hasMessageStartingWith(
              "the client sent no certificate, but this server requires one (clientAuth REQUIRE)");
      assertThat(pair.client.status()).isEqualTo(Status.SSL);
      assertThat(pair.client.failure().alert()).isNotNull();
    }
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("io.niotls.engine.Cases#PROTOCOLS")
  default void aClientCertificateFromAnUntrustedIssuerIsRefused(String protocol) {
    GeneratedCertificate impostor = TestPki.ec().impostorClient();
    try (MemoryPair pair =
        MemoryPair.builder(client(protocol, impostor), server(protocol, ClientAuth.REQUIRE))
            .build()) {
      TlsException failure = handshakeFailure(pair, pair.server);

      assertThat(failure)
          .hasMessageStartingWith(
              "the peer's certificate is not trusted: add its CA to the trust settings or pin it");
      assertThat(pair.client.status()).isEqualTo(Status.SSL);
    }
  }

  @Test
  default void optionalClientAuthAcceptsAClientWithoutACertificate() {
    try (MemoryPair pair =
        MemoryPair.builder(client("TLSv1.3", null), server("TLSv1.3", ClientAuth.OPTIONAL))
            .build()) {
      pair.handshake();

      assertThat(pair.server.session().peerCertificates()).isEmpty();
    }
  }
}
