package io.niotls.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.engine.Status;
import io.niotls.engine.TlsEngine;
import io.niotls.engine.UnderlyingEngine;
import io.niotls.testing.Contexts;
import io.niotls.testing.MemoryPair;
import io.niotls.transport.MemoryTransport;
import io.niotls.wire.TlsRecords;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A second handshake on a connection is refused: TLS 1.2 renegotiation started by either side (a
 * real JDK peer calling {@code beginHandshake()}), a ClientHello repeated during the handshake, and
 * a (forged, well-encrypted) ClientHello after a TLS 1.3 handshake.
 */
class SecondHandshakeTest {
  private static final int UNEXPECTED_MESSAGE = 10;

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL", "BORINGSSL"})
  void aServerRefusesAClientThatRenegotiates(Provider provider) throws SSLException {
    TlsContext client = Contexts.client(Provider.JDK, KeyType.EC_P256).protocols("TLSv1.2").build();
    TlsContext server = Contexts.server(provider, KeyType.EC_P256).protocols("TLSv1.2").build();
    long baseline = server.bufferPool().outstanding();
    try (MemoryPair pair = MemoryPair.wholeRecords(client, server)) {
      pair.handshake();

      renegotiate(pair.client, pair.serverTransport);

      assertRefused(pair.server);
      assertPeerSeesTheConnectionClosed(pair.client, pair.clientTransport, pair.serverTransport);
    }
    assertThat(server.bufferPool().outstanding()).isEqualTo(baseline);
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL", "BORINGSSL"})
  void aClientRefusesAServerThatAsksToRenegotiate(Provider provider) throws SSLException {
    TlsContext client = Contexts.client(provider, KeyType.EC_P256).protocols("TLSv1.2").build();
    TlsContext server = Contexts.server(Provider.JDK, KeyType.EC_P256).protocols("TLSv1.2").build();
    long baseline = client.bufferPool().outstanding();
    try (MemoryPair pair = MemoryPair.wholeRecords(client, server)) {
      pair.handshake();

      renegotiate(pair.server, pair.clientTransport); // a HelloRequest

      assertRefused(pair.client);
      assertPeerSeesTheConnectionClosed(pair.server, pair.serverTransport, pair.clientTransport);
    }
    assertThat(client.bufferPool().outstanding()).isEqualTo(baseline);
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL", "BORINGSSL"})
  void aServerRefusesASecondClientHelloDuringTheHandshake(Provider provider) {
    try (Victim server = Victim.server(provider, "TLSv1.2");
        Victim client = Victim.client(Provider.JDK, "TLSv1.2")) {
      client.handshake();
      byte[] hello = client.output();
      server.feed(hello);
      assertThat(server.handshake()).isEqualTo(Status.WANT_READ);
      server.output();

      server.feed(hello);

      assertThat(server.handshake()).isEqualTo(Status.SSL);
      assertThat(server.why())
          .startsWith("the peer sent a record or message that is not allowed at this point")
          .containsAnyOf("Unexpected handshake message: client_hello", "UNEXPECTED_MESSAGE");
      assertThat(Records.lastFatalAlert(server.output())).isEqualTo(UNEXPECTED_MESSAGE);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL", "BORINGSSL"})
  void aTls13ServerRefusesAClientHelloAfterTheHandshake(Provider provider) throws Exception {
    byte[] hello;
    try (Victim client = Victim.client(Provider.JDK, "TLSv1.3")) {
      client.handshake();
      hello = Records.parse(client.output()).get(0).body();
    }
    try (Victim server = Victim.of(Victim.forgeable(provider, "TLSv1.3", false));
        ForgingPeer peer = new ForgingPeer(server, "TLSv1.3")) {
      peer.handshake();
      server.feed(peer.seal(TlsRecords.HANDSHAKE, hello));

      assertThat(server.read()).isEqualTo(Status.SSL);
      assertThat(server.why())
          .startsWith("the peer sent a record or message that is not allowed at this point");
    }
  }

  /** The peer's own SSLEngine starts a new handshake; its first flight goes to the victim. */
  private static void renegotiate(TlsEngine peer, MemoryTransport victimSide) throws SSLException {
    UnderlyingEngine.of(peer).beginHandshake();
    ByteBuffer flight = ByteBuffer.allocate(64 * 1024);
    SSLEngineResult r = UnderlyingEngine.of(peer).wrap(ByteBuffer.allocate(0), flight);
    assertThat(r.bytesProduced()).as("the peer sent a handshake message").isPositive();
    victimSide.feed(flight.flip());
  }

  private static void assertRefused(TlsEngine victim) {
    int n = victim.read(ByteBuffer.allocate(1024));
    assertThat(n).isEqualTo(Status.SSL.code());
    assertThat(victim.failure().alert()).isEqualTo("no_renegotiation");
    assertThat(victim.failure().getMessage())
        .startsWith(
            "the peer tried to renegotiate the TLS 1.2 session; niotls refuses renegotiation");
    assertThat(victim.holdsBuffers()).isFalse();
  }

  /** What the victim wrote, unwrapped by the peer's own engine, fails the connection. */
  private static void assertPeerSeesTheConnectionClosed(
      TlsEngine peer, MemoryTransport peerSide, MemoryTransport victimSide) {
    peerSide.feed(victimSide.drainAll());
    int n = peer.read(ByteBuffer.allocate(1024));
    assertThat(n).as("peer read: a fatal alert, not close_notify").isEqualTo(Status.SSL.code());
  }
}
