package io.niotls.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.context.Provider;
import io.niotls.testing.MemoryPair;
import io.niotls.testing.Peers;
import java.nio.ByteBuffer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A refusal niotls decides after the handshake, when only the provider can seal an alert: the peer
 * (a real engine of either provider, through its own TlsEngine) is told with a fatal alert, never
 * with a close_notify that would look like a clean end. BoringSSL can be made to send the RFC's
 * {@code record_overflow}; SunJSSE's record layer sends {@code unexpected_message} and nothing
 * else, and BoringSSL's nearest refusal to a record that is not TLS is {@code protocol_version}.
 */
class SealedRefusalTest {

  static Stream<Arguments> victimsPeersProtocols() {
    return Stream.of(Provider.JDK, Provider.OPENSSL, Provider.BORINGSSL)
        .flatMap(
            victim ->
                Stream.of(Provider.JDK, Provider.OPENSSL, Provider.BORINGSSL)
                    .flatMap(
                        peer ->
                            Stream.of("TLSv1.2", "TLSv1.3")
                                .flatMap(
                                    v ->
                                        Stream.of(true, false)
                                            .map(
                                                victimIsServer ->
                                                    Arguments.of(
                                                        victim, peer, v, victimIsServer)))));
  }

  @ParameterizedTest(name = "victim {0} peer {1} {2} victim server={3}")
  @MethodSource("victimsPeersProtocols")
  void anOversizedRecordAfterTheHandshakeIsAnsweredWithAFatalAlert(
      Provider victim, Provider peer, String protocol, boolean victimIsServer) {
    String expected = victim != Provider.JDK ? "record_overflow" : "unexpected_message";
    refuse(victim, peer, protocol, victimIsServer, header(23, 3, 3, 0xffff), expected);
  }

  @ParameterizedTest(name = "victim {0} peer {1} {2} victim server={3}")
  @MethodSource("victimsPeersProtocols")
  void bytesThatAreNotTlsAfterTheHandshakeAreAnsweredWithAFatalAlert(
      Provider victim, Provider peer, String protocol, boolean victimIsServer) {
    String expected = victim != Provider.JDK ? "protocol_version" : "unexpected_message";
    refuse(victim, peer, protocol, victimIsServer, header(0x42, 0x42, 0x42, 0x42), expected);
  }

  private static void refuse(
      Provider victim,
      Provider peer,
      String protocol,
      boolean victimIsServer,
      byte[] hostile,
      String expected) {
    Peers peers = victimIsServer ? new Peers(peer, victim) : new Peers(victim, peer);
    try (MemoryPair pair =
        MemoryPair.builder(
                peers.clientContext(protocol).build(), peers.serverContext(protocol).build())
            .build()) {
      pair.handshake();
      pair.pumpAll();
      TlsEngine victimEngine = victimIsServer ? pair.server : pair.client;
      TlsEngine peerEngine = victimIsServer ? pair.client : pair.server;
      (victimIsServer ? pair.serverTransport : pair.clientTransport).feed(hostile);

      assertThat(victimEngine.read(ByteBuffer.allocate(1024))).isEqualTo(Status.SSL.code());
      assertThat(victimEngine.failure().isRefusal()).isTrue();
      pair.pumpAll();
      int n = peerEngine.read(ByteBuffer.allocate(1024));

      assertThat(n)
          .as("the peer reads a fatal alert, not close_notify: %s", peerEngine.failure())
          .isEqualTo(Status.SSL.code());
      assertThat(peerEngine.failure().alert()).isEqualTo(expected);
    }
  }

  private static byte[] header(int type, int major, int minor, int length) {
    return new byte[] {
      (byte) type, (byte) major, (byte) minor, (byte) (length >> 8), (byte) length
    };
  }
}
