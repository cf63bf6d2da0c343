package io.niotls.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.context.Provider;
import io.niotls.testing.MemoryPair;
import io.niotls.testing.PatternSource;
import io.niotls.testing.Peers;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Renegotiation is refused whatever the provider would allow; TLS 1.3's KeyUpdate, which replaces
 * it, is handled inside read and write. Only the JDK's SSLEngine starts these on request ({@code
 * beginHandshake()} on an established engine), so the JDK plays the initiator and the engine under
 * test, with either provider, the other side.
 */
class RenegotiationTest {
  private static final String REFUSAL =
      "the peer tried to renegotiate the TLS 1.2 session; niotls refuses renegotiation";

  /** Header, one byte, the inner content type and the 16-byte AEAD tag. */
  private static final int ONE_BYTE_RECORD = 5 + 1 + 1 + 16;

  private static MemoryPair established(Peers peers, String protocol) {
    MemoryPair pair =
        MemoryPair.builder(
                peers.clientContext(protocol).build(), peers.serverContext(protocol).build())
            .build();
    pair.handshake();
    pair.pumpAll();
    return pair;
  }

  @ParameterizedTest(name = "{0} server")
  @EnumSource(names = {"JDK", "OPENSSL", "BORINGSSL"})
  void aClientHelloAfterTheHandshakeMakesTheServerFailNamingRenegotiation(Provider server)
      throws SSLException {
    try (MemoryPair pair = established(new Peers(Provider.JDK, server), "TLSv1.2")) {
      pair.client.sslEngine().beginHandshake();
      assertThat(pair.client.read(ByteBuffer.allocate(100))).isEqualTo(Status.WANT_READ.code());
      assertThat(pair.clientTransport.pendingOutbound()).as("a new ClientHello").isPositive();
      pair.pumpAll();

      assertThat(pair.readAll(pair.server).status()).isEqualTo(Status.SSL);
      assertThat(pair.server.failure()).hasMessageStartingWith(REFUSAL);
      assertThat(pair.server.failure().alert()).isEqualTo("no_renegotiation");
      pair.pumpAll();
      assertThat(pair.readAll(pair.client).status())
          .as("the client learns of it: a fatal alert, not a clean close")
          .isEqualTo(Status.SSL);
      // BoringSSL refuses with the RFC's alert; SunJSSE can only be made to send this one
      assertThat(pair.client.failure().getMessage())
          .contains(server != Provider.JDK ? "no_renegotiation" : "unexpected_message");
    }
  }

  @ParameterizedTest(name = "{0} client")
  @EnumSource(names = {"JDK", "OPENSSL", "BORINGSSL"})
  void aHelloRequestAfterTheHandshakeMakesTheClientFailNamingRenegotiation(Provider client)
      throws SSLException {
    try (MemoryPair pair = established(new Peers(client, Provider.JDK), "TLSv1.2")) {
      pair.server.sslEngine().beginHandshake();
      assertThat(pair.server.read(ByteBuffer.allocate(100))).isEqualTo(Status.WANT_READ.code());
      assertThat(pair.serverTransport.pendingOutbound()).as("a HelloRequest").isPositive();
      pair.pumpAll();

      assertThat(pair.readAll(pair.client).status()).isEqualTo(Status.SSL);
      assertThat(pair.client.failure()).hasMessage(REFUSAL);
      pair.pumpAll();
      assertThat(pair.readAll(pair.server).status())
          .as("the server learns of it: a fatal alert, not a clean close")
          .isEqualTo(Status.SSL);
      // niotls refuses for both clients: SunJSSE is made to send unexpected_message, BoringSSL
      // (which would renegotiate) protocol_version, their nearest fatal alerts once sealed
      assertThat(pair.server.failure().getMessage())
          .contains(client != Provider.JDK ? "protocol_version" : "unexpected_message");
    }
  }

  @ParameterizedTest(name = "{0} server")
  @EnumSource(names = {"JDK", "OPENSSL", "BORINGSSL"})
  void aTls13KeyUpdateMidStreamIsAnsweredAndDataKeepsFlowing(Provider server) throws SSLException {
    try (MemoryPair pair = established(new Peers(Provider.JDK, server), "TLSv1.3")) {
      byte[] before = PatternSource.bytes(10_000, 21);
      assertThat(pair.send(pair.client, pair.server, before)).isEqualTo(before);

      pair.client.sslEngine().beginHandshake(); // TLS 1.3: KeyUpdate, asking for the peer's
      assertThat(pair.client.write(ByteBuffer.wrap(new byte[] {42}))).isEqualTo(1);
      assertThat(pair.clientTransport.pendingOutbound())
          .as("the KeyUpdate record goes before the 23-byte record holding one byte")
          .isGreaterThan(ONE_BYTE_RECORD);
      pair.pumpAll();
      assertThat(pair.server.read(ByteBuffer.allocate(10))).isEqualTo(1);
      assertThat(pair.server.write(ByteBuffer.wrap(new byte[] {43}))).isEqualTo(1);
      assertThat(pair.serverTransport.pendingOutbound())
          .as(
              "the server's own KeyUpdate, sent from read() (JDK) or before its next record (BoringSSL)")
          .isGreaterThan(ONE_BYTE_RECORD);
      pair.pumpAll();
      assertThat(pair.client.read(ByteBuffer.allocate(10))).isEqualTo(1);
      byte[] after = PatternSource.bytes(50_000, 22);
      assertThat(pair.send(pair.client, pair.server, after)).isEqualTo(after);
      assertThat(pair.send(pair.server, pair.client, after)).isEqualTo(after);
      assertThat(pair.send(pair.client, pair.server, before)).isEqualTo(before);
    }
  }
}
