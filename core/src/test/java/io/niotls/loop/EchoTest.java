package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.uri.TransportUri;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class EchoTest {

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void aTlsClientGetsBackWhatItSentThroughATlsServer(Provider provider) throws Exception {
    TlsContext server = Contexts.server(provider, KeyType.EC_P256).alpn("h2", "http/1.1").build();
    TlsContext client = Contexts.client(provider, KeyType.EC_P256).alpn("http/1.1").build();
    byte[] payload = new byte[300_000];
    new Random(7).nextBytes(payload);
    try (TlsServer s =
            TlsServer.bind(TransportUri.parse("tls://127.0.0.1:0"), server, EchoHandler::new);
        TlsClient c = TlsClient.create()) {
      Exchange exchange = new Exchange(payload);
      c.connect(s.uri(), client, exchange);
      TlsSession session = exchange.result.get(20, TimeUnit.SECONDS);
      assertThat(session.info().protocol()).isEqualTo("TLSv1.3");
      assertThat(session.info().applicationProtocol()).isEqualTo("http/1.1");
      assertThat(session.info().cipherSuite()).startsWith("TLS_");
      assertThat(session.info().resumed()).isFalse();
      assertThat(session.info().peerFingerprint())
          .isEqualTo(io.niotls.testing.TestPki.ec().server().sha256());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp://127.0.0.1:0"})
  void aPlaintextClientGetsBackWhatItSentThroughAPlaintextServer(String uri) throws Exception {
    byte[] payload = new byte[300_000];
    new Random(8).nextBytes(payload);
    try (TlsServer s = TlsServer.bind(TransportUri.parse(uri), null, EchoHandler::new);
        TlsClient c = TlsClient.create()) {
      Exchange exchange = new Exchange(payload);
      c.connect(s.uri(), null, exchange);
      TlsSession session = exchange.result.get(20, TimeUnit.SECONDS);
      assertThat(session.info()).isNull();
    }
  }
}
