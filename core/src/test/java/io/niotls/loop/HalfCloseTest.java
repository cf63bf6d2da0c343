package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.uri.TransportUri;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * TLS 1.3 half-close through the loop: data the peer sends after our close_notify still arrives.
 */
class HalfCloseTest {

  @ParameterizedTest(name = "client {0}, server {1}")
  // Only JDK servers: Netty's BoringSSL engine closes both directions when it reads close_notify,
  // so an OpenSSL server cannot answer after the client's close_notify (a provider limitation).
  @CsvSource({"JDK,JDK", "OPENSSL,JDK"})
  void theEchoOfDataSentJustBeforeCloseStillReachesTheHandler(
      Provider clientProvider, Provider serverProvider) throws Exception {
    TlsContext server =
        Contexts.server(serverProvider, KeyType.EC_P256).protocols("TLSv1.3").build();
    TlsContext client =
        Contexts.client(clientProvider, KeyType.EC_P256).protocols("TLSv1.3").build();
    byte[] payload = new byte[200_000];
    new Random(11).nextBytes(payload);
    try (TlsServer s =
            TlsServer.bind(TransportUri.parse("tls://127.0.0.1:0"), server, EchoHandler::new);
        TlsClient c = TlsClient.create()) {
      Recorder recorder = new Recorder();
      TlsSession session = c.connect(s.uri(), client, recorder).get(20, TimeUnit.SECONDS);
      assertThat(session.write(ByteBuffer.wrap(payload))).isTrue();
      session.close(); // close_notify goes out right behind the data, before any echo is back

      Recorder.Closed closed = recorder.closed.get(20, TimeUnit.SECONDS);
      assertThat(closed.reason()).isIn(CloseReason.LOCAL, CloseReason.CLOSE_NOTIFY);
      byte[] received = recorder.received();
      assertThat(received.length).as("bytes echoed back").isEqualTo(payload.length);
      assertThat(received).isEqualTo(payload);
    }
  }

  /**
   * TLS 1.2 lets a close_notify end both directions (RFC 5246 7.2.1): the server must not read the
   * client's close_notify while its echo of the data before it is still queued for a full socket,
   * or the rest of the echo is dropped. Every echo is whole, and nothing is reported unsent.
   */
  @ParameterizedTest(name = "client {0}, server {1}")
  @CsvSource({"JDK,JDK", "OPENSSL,OPENSSL", "JDK,OPENSSL", "OPENSSL,JDK"})
  void aTls12ServerSendsItsWholeEchoBeforeTheClientsCloseNotifyEndsTheSession(
      Provider clientProvider, Provider serverProvider) throws Exception {
    TlsContext server =
        Contexts.server(serverProvider, KeyType.EC_P256).protocols("TLSv1.2").build();
    TlsContext client =
        Contexts.client(clientProvider, KeyType.EC_P256).protocols("TLSv1.2").build();
    byte[] payload = new byte[4 << 20];
    new Random(12).nextBytes(payload);
    ServerOptions options = ServerOptions.builder().maxOutboundBytes(8 << 20).build();
    try (TlsServer s =
            TlsServer.bind(
                TransportUri.parse("tls://127.0.0.1:0"), server, EchoHandler::new, options);
        TlsClient c = TlsClient.create(ClientOptions.builder().maxOutboundBytes(8 << 20).build())) {
      for (int run = 0; run < 3; run++) {
        Recorder recorder = new Recorder();
        TlsSession session = c.connect(s.uri(), client, recorder).get(20, TimeUnit.SECONDS);
        assertThat(session.write(ByteBuffer.wrap(payload))).isTrue();
        session.close();

        recorder.closed.get(30, TimeUnit.SECONDS);
        assertThat(recorder.received().length).as("bytes echoed back").isEqualTo(payload.length);
        assertThat(recorder.received()).isEqualTo(payload);
      }
      assertThat(s.stats().unsentSessions()).isZero();
    }
  }
}
