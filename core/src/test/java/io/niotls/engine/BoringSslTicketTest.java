package io.niotls.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.testing.MemoryPair;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A TLS 1.3 server on the BORINGSSL provider sends its NewSessionTickets right after the handshake,
 * not with its first write (BoringSSL's default, which Netty's engine keeps): a client that
 * connects, handshakes and closes, never exchanging a byte, resumes next time.
 */
class BoringSslTicketTest {

  static Stream<Provider> clients() {
    return Stream.of(Provider.BORINGSSL, Provider.JDK, Provider.OPENSSL);
  }

  static Stream<Provider> clientsThatReadTicketsBeforeClosing() {
    return Stream.of(Provider.BORINGSSL, Provider.JDK);
  }

  /** Handshake and close_notify both ways, no data; whether client and server resumed. */
  private static boolean[] connectHandshakeClose(TlsContext client, TlsContext server) {
    try (MemoryPair pair = MemoryPair.builder(client, server).build()) {
      pair.handshake();
      assertThat(pair.client.shutdown()).isEqualTo(Status.SENT);
      pair.pumpAll();
      assertThat(pair.readAll(pair.server).status()).isEqualTo(Status.ZERO_RETURN);
      assertThat(pair.server.shutdown()).isEqualTo(Status.DONE);
      pair.pumpAll();
      assertThat(pair.client.shutdown()).isEqualTo(Status.DONE);
      return new boolean[] {pair.client.session().resumed(), pair.server.session().resumed()};
    }
  }

  @ParameterizedTest(name = "{0} client")
  @MethodSource("clientsThatReadTicketsBeforeClosing")
  void aClientThatOnlyHandshakesResumesItsNextConnection(Provider clientProvider) {
    TlsContext client =
        Contexts.client(clientProvider, KeyType.EC_P256).protocols("TLSv1.3").build();
    TlsContext server =
        Contexts.server(Provider.BORINGSSL, KeyType.EC_P256).protocols("TLSv1.3").build();

    assertThat(connectHandshakeClose(client, server)).containsExactly(false, false);
    assertThat(connectHandshakeClose(client, server)).containsExactly(true, true);
    assertThat(connectHandshakeClose(client, server)).containsExactly(true, true);
  }

  @ParameterizedTest(name = "{0} client")
  @MethodSource("clients")
  void theTicketsAreOnTheWireWhenTheServersHandshakeReturnsOk(Provider clientProvider) {
    TlsContext client =
        Contexts.client(clientProvider, KeyType.EC_P256).protocols("TLSv1.3").build();
    TlsContext server =
        Contexts.server(Provider.BORINGSSL, KeyType.EC_P256).protocols("TLSv1.3").build();
    try (MemoryPair pair = MemoryPair.builder(client, server).build()) {
      Status s = null;
      for (int step = 0; step < 64 && s != Status.OK; step++) {
        pair.client.handshake();
        pair.pumpAll();
        s = pair.server.handshake();
      }
      assertThat(s).isEqualTo(Status.OK);

      // two NewSessionTickets, each in its own encrypted record of well over 100 bytes
      assertThat(pair.serverTransport.pendingOutbound()).isGreaterThan(200);
    }
  }
}
