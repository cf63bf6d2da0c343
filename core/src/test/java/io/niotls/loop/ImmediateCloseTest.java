package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.uri.TransportUri;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A client that closes the moment its session opens sends close_notify right behind its last
 * handshake flight. The server must see a clean close every time, not a truncation: with BoringSSL
 * on the server, the close_notify is taken by the very unwrap that ends the server's handshake.
 */
class ImmediateCloseTest {
  private static final int CONNECTIONS = 40;

  @ParameterizedTest(name = "client {0}, server {1}, {2}")
  @CsvSource({
    "OPENSSL, OPENSSL, TLSv1.3",
    "OPENSSL, OPENSSL, TLSv1.2",
    "JDK, OPENSSL, TLSv1.3",
    "OPENSSL, JDK, TLSv1.3",
    "JDK, JDK, TLSv1.3"
  })
  void theServerSeesCloseNotifyFromAClientThatClosesOnOpen(
      Provider clientProvider, Provider serverProvider, String protocol) throws Exception {
    TlsContext server =
        Contexts.server(serverProvider, KeyType.EC_P256).protocols(protocol).build();
    TlsContext client =
        Contexts.client(clientProvider, KeyType.EC_P256).protocols(protocol).build();
    ConcurrentLinkedQueue<CloseReason> serverSide = new ConcurrentLinkedQueue<>();
    List<CloseReason> clientSide = new ArrayList<>();
    SessionHandler recordingServer =
        new SessionHandler() {
          @Override
          public void onClosed(TlsSession session, CloseReason reason, Throwable cause) {
            serverSide.add(reason);
          }
        };
    try (TlsServer s =
            TlsServer.bind(TransportUri.parse("tls://127.0.0.1:0"), server, () -> recordingServer);
        TlsClient c = TlsClient.create()) {
      for (int i = 0; i < CONNECTIONS; i++) {
        CompletableFuture<CloseReason> closed = new CompletableFuture<>();
        c.connect(
                s.uri(),
                client,
                new SessionHandler() {
                  @Override
                  public void onOpen(TlsSession session) {
                    session.close();
                  }

                  @Override
                  public void onClosed(TlsSession session, CloseReason reason, Throwable cause) {
                    closed.complete(reason);
                  }
                })
            .get(10, TimeUnit.SECONDS);
        clientSide.add(closed.get(10, TimeUnit.SECONDS));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (serverSide.size() < CONNECTIONS && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
    }
    assertThat(clientSide).containsOnly(CloseReason.LOCAL).hasSize(CONNECTIONS);
    assertThat(serverSide).containsOnly(CloseReason.CLOSE_NOTIFY).hasSize(CONNECTIONS);
  }
}
