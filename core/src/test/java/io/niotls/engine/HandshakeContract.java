package io.niotls.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.TlsContext;
import io.niotls.testing.Chunks;
import io.niotls.testing.MemoryPair;
import io.niotls.testing.PatternSource;
import io.niotls.testing.TestPki;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Handshakes and data over {@code MemoryTransport}, at every chunking, and the session facts. */
interface HandshakeContract extends Contract {

  @ParameterizedTest(name = "{0}, {1}, {2}")
  @MethodSource("io.niotls.engine.Cases#protocolKeyChunks")
  default void handshakeAndDataArriveIntactAtAnyChunking(
      String protocol, KeyType keyType, Chunks chunks) {
    TlsContext client = peers().clientContext(keyType).protocols(protocol).build();
    TlsContext server = peers().serverContext(keyType).protocols(protocol).build();
    try (MemoryPair pair = MemoryPair.builder(client, server).chunks(chunks).build()) {
      pair.handshake();

      assertThat(pair.client.session().protocol()).as("%s", pair).isEqualTo(protocol);
      assertThat(pair.server.session().protocol()).as("%s", pair).isEqualTo(protocol);
      assertThat(pair.client.session().cipherSuite())
          .isEqualTo(pair.server.session().cipherSuite());
      assertThat(pair.client.session().peerFingerprint())
          .isEqualTo(TestPki.of(keyType).server().sha256());
      byte[] up = PatternSource.bytes(40_000, chunks.seed());
      byte[] down = PatternSource.bytes(40_001, ~chunks.seed());
      assertThat(pair.send(pair.client, pair.server, up))
          .as("client to server, %s", pair)
          .isEqualTo(up);
      assertThat(pair.send(pair.server, pair.client, down))
          .as("server to client, %s", pair)
          .isEqualTo(down);
    }
  }

  @Test
  default void theFirstWriteAndReadDriveTheHandshake() {
    try (MemoryPair pair = pair("TLSv1.3")) {
      byte[] hello = "hello, no handshake() called".getBytes(StandardCharsets.US_ASCII);
      ByteBuffer src = ByteBuffer.wrap(hello);
      ByteBuffer dst = ByteBuffer.allocate(hello.length);
      for (int step = 0; step < 1000 && dst.hasRemaining(); step++) {
        if (src.hasRemaining()) {
          int n = pair.client.write(src);
          assertThat(n > 0 || n == Status.WANT_READ.code()).as("write gave %s", n).isTrue();
        }
        int n = pair.server.read(dst);
        assertThat(n > 0 || n == Status.WANT_READ.code()).as("read gave %s", n).isTrue();
        pair.pump();
      }

      assertThat(dst.array()).isEqualTo(hello);
      assertThat(pair.client.isHandshakeComplete()).isTrue();
      assertThat(pair.server.isHandshakeComplete()).isTrue();
    }
  }

  @Test
  default void bothSidesAgreeOnTheSessionFacts() {
    try (MemoryPair pair = pair("TLSv1.2")) {
      pair.handshake();
      SessionInfo client = pair.client.session();
      SessionInfo server = pair.server.session();

      assertThat(client.protocol()).isEqualTo("TLSv1.2").isEqualTo(server.protocol());
      assertThat(client.cipherSuite())
          .startsWith("TLS_ECDHE_ECDSA_")
          .isEqualTo(server.cipherSuite());
      assertThat(client.peerCertificates())
          .containsExactlyElementsOf(TestPki.ec().server().keyMaterial().chain());
      assertThat(client.peerFingerprint()).isEqualTo(TestPki.ec().server().sha256());
      assertThat(server.peerCertificates()).isEmpty();
      assertThat(server.peerFingerprint()).isNull();
      assertThat(client.serverName()).isEqualTo("localhost").isEqualTo(server.serverName());
      assertThat(client.applicationProtocol()).isNull();
      assertThat(server.applicationProtocol()).isNull();
      assertThat(client.resumed()).isFalse();
      assertThat(server.resumed()).isFalse();
    }
  }

  @Test
  default void theServerSeesSniAndBothSeeTheAlpnProtocolTheyShare() {
    TlsContext client = peers().clientContext(KeyType.EC_P256).alpn("h2", "http/1.1").build();
    TlsContext server = peers().serverContext(KeyType.EC_P256).alpn("http/1.1").build();
    try (MemoryPair pair = MemoryPair.builder(client, server).build()) {
      pair.handshake();

      assertThat(pair.server.session().serverName()).isEqualTo("localhost");
      assertThat(pair.server.session().applicationProtocol()).isEqualTo("http/1.1");
      assertThat(pair.client.session().applicationProtocol()).isEqualTo("http/1.1");
    }
  }

  @Test
  default void aServerNameOverrideIsSentAsSniAndVerifiedInsteadOfTheHost() {
    TlsContext client = peers().clientContext(KeyType.EC_P256).serverName("localhost").build();
    TlsContext server = peers().serverContext(KeyType.EC_P256).build();
    try (MemoryPair pair = MemoryPair.builder(client, server).host("127.0.0.2").build()) {
      pair.handshake();

      assertThat(pair.server.session().serverName()).isEqualTo("localhost");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"127.0.0.1", "::1"})
  default void anIpLiteralHostIsVerifiedAgainstTheIpSanAndSendsNoSni(String ip) {
    TlsContext client = peers().clientContext(KeyType.EC_P256).build();
    TlsContext server = peers().serverContext(KeyType.EC_P256).build();
    try (MemoryPair pair = MemoryPair.builder(client, server).host(ip).build()) {
      pair.handshake();

      assertThat(pair.client.session().peerFingerprint()).isEqualTo(TestPki.ec().server().sha256());
      assertThat(pair.client.session().serverName()).isNull();
      assertThat(pair.server.session().serverName()).isNull();
    }
  }

  @Test
  default void anIpLiteralTheCertificateDoesNotNameIsRefused() {
    TlsContext client = peers().clientContext(KeyType.EC_P256).build();
    TlsContext server = peers().serverContext(KeyType.EC_P256).build();
    try (MemoryPair pair = MemoryPair.builder(client, server).host("127.0.0.2").build()) {
      TlsException failure = handshakeFailure(pair, pair.client);

      assertThat(failure)
          .hasMessageStartingWith("the peer's certificate does not name the host we connected to")
          .hasMessageContaining("127.0.0.2");
    }
  }

  @Test
  default void aCertificateForAnotherHostIsRefused() {
    TlsContext client = peers().clientContext(KeyType.EC_P256).build();
    TlsContext server =
        TlsContext.forServer(TestPki.ec().otherServer().keyMaterial())
            .provider(peers().server())
            .build();
    try (MemoryPair pair = MemoryPair.builder(client, server).build()) {
      TlsException failure = handshakeFailure(pair, pair.client);

      assertThat(failure)
          .hasMessageStartingWith("the peer's certificate does not name the host we connected to")
          .hasMessageContaining("localhost");
      assertThat(pair.server.status()).isEqualTo(Status.SSL);
    }
  }

  @Test
  default void peersWithNoCommonProtocolVersionFailWithAMessageSayingSo() {
    TlsContext client = peers().clientContext("TLSv1.2").build();
    TlsContext server = peers().serverContext("TLSv1.3").build();
    try (MemoryPair pair = MemoryPair.builder(client, server).build()) {
      TlsException failure = handshakeFailure(pair, pair.server);

      assertThat(failure).hasMessageStartingWith("the peers share no protocol version");
      assertThat(pair.client.status()).isEqualTo(Status.SSL);
      assertThat(pair.client.failure())
          .hasMessageStartingWith("the peers share no protocol version");
    }
  }
}
