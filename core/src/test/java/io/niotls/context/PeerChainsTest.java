package io.niotls.context;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.certs.GeneratedCertificate;
import io.niotls.engine.SessionInfo;
import io.niotls.engine.Status;
import io.niotls.testing.Contexts;
import io.niotls.testing.MemoryPair;
import io.niotls.testing.TestPki;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * BORINGSSL decodes a peer's chain once and hands the same certificates to the handshakes that meet
 * those bytes again (resumed ones): each session still reports the chain its own peer presented,
 * however many peers share the context, and a resumed session reports the chain of the session it
 * resumed.
 */
class PeerChainsTest {
  private static final byte[] PING = "ping".getBytes(StandardCharsets.US_ASCII);

  /** Handshake, one exchange (it carries TLS 1.3 tickets), close both ways; both sessions. */
  private static SessionInfo[] connect(
      TlsContext client, TlsContext server, String host, int port) {
    try (MemoryPair pair = MemoryPair.builder(client, server).host(host, port).build()) {
      pair.handshake();
      assertThat(pair.send(pair.client, pair.server, PING)).isEqualTo(PING);
      assertThat(pair.send(pair.server, pair.client, PING)).isEqualTo(PING);
      assertThat(pair.client.shutdown()).isEqualTo(Status.SENT);
      pair.pumpAll();
      assertThat(pair.readAll(pair.server).status()).isEqualTo(Status.ZERO_RETURN);
      assertThat(pair.server.shutdown()).isEqualTo(Status.DONE);
      pair.pumpAll();
      return new SessionInfo[] {pair.client.session(), pair.server.session()};
    }
  }

  private static TlsContext server(GeneratedCertificate certificate, String protocol) {
    return TlsContext.forServer(certificate.keyMaterial())
        .provider(Provider.BORINGSSL)
        .protocols(protocol)
        .build();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void eachResumedSessionReportsTheChainOfItsOwnServerWhenOneClientTalksToTwo(String protocol) {
    TestPki pki = TestPki.ec();
    TlsContext client =
        Contexts.client(Provider.BORINGSSL, KeyType.EC_P256).protocols(protocol).build();
    TlsContext local = server(pki.server(), protocol);
    TlsContext other = server(pki.otherServer(), protocol);
    try {
      for (int round = 0; round < 3; round++) {
        SessionInfo a = connect(client, local, "localhost", 443)[0];
        SessionInfo b = connect(client, other, "other.example", 443)[0];
        assertThat(List.of(a.resumed(), b.resumed())).containsExactly(round > 0, round > 0);
        assertThat(a.peerFingerprint()).isEqualTo(pki.server().sha256());
        assertThat(b.peerFingerprint()).isEqualTo(pki.otherServer().sha256());
        assertThat(a.peerCertificates().get(0)).isEqualTo(pki.server().certificate());
        assertThat(b.peerCertificates().get(0)).isEqualTo(pki.otherServer().certificate());
      }
    } finally {
      client.close();
      local.close();
      other.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void aServerReportsTheClientsCertificateOnAResumedHandshakeToo(String protocol) {
    TestPki pki = TestPki.ec();
    TlsContext server =
        TlsContext.forServer(pki.server().keyMaterial())
            .provider(Provider.BORINGSSL)
            .protocols(protocol)
            .clientAuth(ClientAuth.REQUIRE)
            .trustCertificates(List.of(pki.ca().certificate()))
            .build();
    TlsContext client =
        Contexts.client(Provider.BORINGSSL, KeyType.EC_P256)
            .protocols(protocol)
            .keyMaterial(pki.client().keyMaterial())
            .build();
    try {
      SessionInfo first = connect(client, server, "localhost", 443)[1];
      SessionInfo second = connect(client, server, "localhost", 443)[1];
      assertThat(first.resumed()).isFalse();
      assertThat(second.resumed()).isTrue();
      assertThat(first.peerFingerprint()).isEqualTo(pki.client().sha256());
      assertThat(second.peerFingerprint()).isEqualTo(pki.client().sha256());
    } finally {
      client.close();
      server.close();
    }
  }
}
