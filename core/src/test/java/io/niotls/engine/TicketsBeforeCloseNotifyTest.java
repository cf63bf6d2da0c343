package io.niotls.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.testing.MemoryPair;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A TLS 1.3 server's NewSessionTickets come after the handshake, once it has the client's Finished
 * (openssl s_server, SunJSSE, BoringSSL driven directly). A client that only handshakes and closes
 * has them waiting unread when it sends close_notify, and Netty's engine (BoringSSL) ignores
 * tickets from then on: through it, a connect–handshake–close client resumed 3 times in 40 against
 * {@code openssl s_server}. Every client provider now reads what has arrived before its
 * close_notify, so the next connection resumes.
 */
class TicketsBeforeCloseNotifyTest {

  @ParameterizedTest(name = "{0} client, {1} server")
  @CsvSource({
    "OPENSSL, JDK",
    "OPENSSL, BORINGSSL",
    "JDK, JDK",
    "JDK, BORINGSSL",
    "BORINGSSL, JDK",
    "BORINGSSL, BORINGSSL"
  })
  void aClientThatOnlyHandshakesKeepsTheTicketsThatArrivedBeforeItClosed(
      Provider clientProvider, Provider serverProvider) {
    TlsContext client =
        Contexts.client(clientProvider, KeyType.EC_P256).protocols("TLSv1.3").build();
    TlsContext server =
        Contexts.server(serverProvider, KeyType.EC_P256).protocols("TLSv1.3").build();
    try {
      assertThat(handshakeAndClose(client, server)).as("the first connection resumed").isFalse();
      assertThat(handshakeAndClose(client, server)).as("the second connection resumed").isTrue();
    } finally {
      client.close();
      server.close();
    }
  }

  /**
   * Handshakes, lets the server's post-handshake flight (its tickets) reach the client's transport
   * unread, and closes from the client without a read; returns whether the client resumed.
   */
  private static boolean handshakeAndClose(TlsContext client, TlsContext server) {
    try (MemoryPair pair = MemoryPair.builder(client, server).build()) {
      pair.handshake();
      pair.pumpAll();
      assertThat(pair.clientTransport.pendingInbound())
          .as("the server's tickets wait unread at the client")
          .isPositive();
      assertThat(pair.client.shutdown()).isEqualTo(Status.SENT);
      pair.pumpAll();
      assertThat(pair.readAll(pair.server).status()).isEqualTo(Status.ZERO_RETURN);
      assertThat(pair.server.shutdown()).isEqualTo(Status.DONE);
      pair.pumpAll();
      assertThat(pair.client.shutdown()).isEqualTo(Status.DONE);
      return pair.client.session().resumed();
    }
  }
}
