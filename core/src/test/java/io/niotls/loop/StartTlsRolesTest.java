package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.testing.TestPki;
import io.niotls.uri.TransportUri;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** STARTTLS with the roles swapped: the side that accepted the TCP connection is the TLS client. */
class StartTlsRolesTest {
  private static final long LIMIT = 20;

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void anAcceptedSessionUpgradesAsTheClientAndVerifiesThePeersAddress(Provider provider)
      throws Exception {
    TlsContext serverContext = Contexts.server(provider, KeyType.EC_P256).build();
    TlsContext clientContext = Contexts.client(provider, KeyType.EC_P256).build();
    CompletableFuture<TlsSession> acceptedSide = new CompletableFuture<>();
    CompletableFuture<TlsSession> connectingSide = new CompletableFuture<>();
    SessionHandler upgradeAsClient =
        new SessionHandler() {
          @Override
          public void onOpen(TlsSession session) {
            forward(session.startTls(clientContext), acceptedSide);
          }
        };
    SessionHandler upgradeAsServer =
        new SessionHandler() {
          @Override
          public void onOpen(TlsSession session) {
            forward(session.startTls(serverContext), connectingSide);
          }
        };
    try (TlsServer server =
            TlsServer.bind(TransportUri.parse("tcp://127.0.0.1:0"), null, () -> upgradeAsClient);
        TlsClient client = TlsClient.create(ClientOptions.builder().loopCount(1).build())) {
      client.connect(
          TransportUri.parse("tcp://127.0.0.1:" + server.uri().port()), null, upgradeAsServer);

      TlsSession accepted = acceptedSide.get(LIMIT, TimeUnit.SECONDS);
      TlsSession connecting = connectingSide.get(LIMIT, TimeUnit.SECONDS);
      // the certificate names 127.0.0.1: verified against the address the connection came from
      assertThat(accepted.info().peerFingerprint())
          .isEqualTo(TestPki.of(KeyType.EC_P256).server().sha256());
      assertThat(accepted.info().serverName()).as("no SNI for an IP address").isNull();
      assertThat(connecting.info().peerCertificates()).isEmpty();
      assertThat(connecting.info().protocol()).isEqualTo(accepted.info().protocol());
    }
  }

  private static void forward(
      CompletableFuture<TlsSession> from, CompletableFuture<TlsSession> to) {
    from.whenComplete(
        (session, failure) -> {
          if (failure != null) {
            to.completeExceptionally(failure);
          } else {
            to.complete(session);
          }
        });
  }
}
