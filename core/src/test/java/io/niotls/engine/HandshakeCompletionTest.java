package io.niotls.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.transport.MemoryTransport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A caller that calls handshake() only when bytes arrive (a Netty handler, an event loop) must see
 * OK on the call that completes the handshake, not a WANT_READ that nothing will ever answer.
 */
class HandshakeCompletionTest {

  @ParameterizedTest
  @CsvSource({"JDK,TLSv1.3", "JDK,TLSv1.2", "OPENSSL,TLSv1.3", "OPENSSL,TLSv1.2"})
  void handshakeReportsOkOnTheCallThatReceivesTheLastFlight(Provider provider, String protocol) {
    TlsContext server = Contexts.server(provider, KeyType.EC_P256).protocols(protocol).build();
    TlsContext client = Contexts.client(provider, KeyType.EC_P256).protocols(protocol).build();
    MemoryTransport toServer = new MemoryTransport();
    MemoryTransport toClient = new MemoryTransport();
    try (TlsEngine c = TlsEngine.client(client, toServer, "localhost", 443);
        TlsEngine s = TlsEngine.server(server, toClient)) {
      Status cs = c.handshake();
      Status ss = null;
      for (int flight = 0; flight < 4 && !(cs == Status.OK && ss == Status.OK); flight++) {
        if (toServer.pendingOutbound() > 0) {
          toClient.feed(toServer.drainAll());
          ss = s.handshake();
        }
        if (toClient.pendingOutbound() > 0) {
          toServer.feed(toClient.drainAll());
          cs = c.handshake();
        }
      }
      assertThat(cs).isEqualTo(Status.OK);
      assertThat(ss).as("the server, right after the client's last flight").isEqualTo(Status.OK);
      assertThat(s.isHandshakeComplete()).isTrue();
    }
  }
}
