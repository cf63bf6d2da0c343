package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.context.CertificateGenerator.KeyType;
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
}
