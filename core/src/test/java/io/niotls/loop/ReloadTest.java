package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.certs.CertificateGenerator;
import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.certs.GeneratedCertificate;
import io.niotls.context.Fingerprint;
import io.niotls.context.Provider;
import io.niotls.context.TlsConfigException;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.testing.TestPki;
import io.niotls.uri.TransportUri;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link TlsServer#reload}: a renewed certificate is served without a restart, while clients keep
 * connecting, and not one handshake fails across the swap.
 */
class ReloadTest {
  private static final int IN_FLIGHT = 4;
  private static final int SWAP = 10;

  @ParameterizedTest(name = "{0}")
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void aSwappedCertificateIsServedToNewClientsWithoutAFailedHandshake(Provider provider)
      throws Exception {
    TestPki pki = TestPki.of(KeyType.EC_P256);
    GeneratedCertificate renewed = renewedServerCertificate(pki);
    TlsContext client = Contexts.client(provider, KeyType.EC_P256).build();
    TlsContext before = Contexts.server(provider, KeyType.EC_P256).build();
    TlsContext after = TlsContext.forServer(renewed.keyMaterial()).provider(provider).build();
    Fingerprint old = pki.server().keyMaterial().fingerprint();
    Fingerprint fresh = renewed.keyMaterial().fingerprint();

    try (TlsServer server =
            TlsServer.bind(TransportUri.parse("tls://127.0.0.1:0"), before, EchoHandler::new);
        TlsClient clients = TlsClient.create()) {
      // Rounds of IN_FLIGHT connections at once; the swap lands in the middle of round SWAP.
      List<List<Fingerprint>> rounds = new ArrayList<>();
      int connections = 0;
      for (int r = 0; r < 2 * SWAP; r++) {
        List<CompletableFuture<TlsSession>> round = new ArrayList<>();
        for (int i = 0; i < IN_FLIGHT; i++) {
          if (r == SWAP && i == IN_FLIGHT / 2) {
            server.reload(after);
          }
          Exchange exchange = new Exchange(new byte[256]);
          clients.connect(server.uri(), client, exchange);
          round.add(exchange.result);
          connections++;
        }
        List<Fingerprint> served = new ArrayList<>();
        for (CompletableFuture<TlsSession> f : round) {
          served.add(f.get(20, TimeUnit.SECONDS).info().peerFingerprint());
        }
        rounds.add(served);
      }

      assertThat(server.stats().handshakesFailed()).as("failed handshakes").isZero();
      assertThat(server.context()).isSameAs(after);
      assertThat(rounds.subList(0, SWAP)).allSatisfy(r -> assertThat(r).containsOnly(old));
      // In the round of the swap, a connection made before it may be accepted after it: either.
      assertThat(rounds.get(SWAP).subList(IN_FLIGHT / 2, IN_FLIGHT)).containsOnly(fresh);
      assertThat(rounds.subList(SWAP + 1, rounds.size()))
          .allSatisfy(r -> assertThat(r).containsOnly(fresh));
      assertThat(server.stats().handshakesCompleted()).isEqualTo(connections);
    }
  }

  @Test
  void aContextThatDoesNotFitTheServerIsRefusedAndTheOldOneServesOn() throws Exception {
    TlsContext before = Contexts.server(Provider.JDK, KeyType.EC_P256).build();
    TlsContext tls12Only =
        Contexts.server(Provider.JDK, KeyType.EC_P256).protocols("TLSv1.2").build();
    TlsContext client = Contexts.client(Provider.JDK, KeyType.EC_P256).build();
    try (TlsServer server =
            TlsServer.bind(TransportUri.parse("tlsv1.3://127.0.0.1:0"), before, EchoHandler::new);
        TlsClient clients = TlsClient.create()) {
      assertThatThrownBy(() -> server.reload(client))
          .isInstanceOf(TlsConfigException.class)
          .hasMessageContaining("TlsContext.forServer");
      assertThatThrownBy(() -> server.reload(tls12Only))
          .isInstanceOf(TlsConfigException.class)
          .hasMessageContaining("TLSv1.3");
      assertThat(server.context()).isSameAs(before);
      Exchange exchange = new Exchange(new byte[64]);
      clients.connect(server.uri(), client, exchange);
      assertThat(exchange.result.get(20, TimeUnit.SECONDS).info().protocol()).isEqualTo("TLSv1.3");
    }
  }

  @Test
  void aPlaintextServerHasNoContextToReload() throws Exception {
    try (TlsServer server =
        TlsServer.bind(TransportUri.parse("tcp://127.0.0.1:0"), null, EchoHandler::new)) {
      assertThatThrownBy(
              () -> server.reload(Contexts.server(Provider.JDK, KeyType.EC_P256).build()))
          .isInstanceOf(TlsConfigException.class)
          .hasMessageContaining("tcp://");
    }
  }

  /** The same names as the test PKI's server certificate, a new key, the same CA. */
  private static GeneratedCertificate renewedServerCertificate(TestPki pki) {
    return CertificateGenerator.leaf("localhost")
        .keyType(KeyType.EC_P256)
        .subjectAltNames("localhost", "127.0.0.1", "::1")
        .issuer(pki.ca())
        .generate();
  }
}
