package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.uri.TransportUri;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A TLS 1.3 loop client that closes right after its handshake waits briefly for the server's
 * session tickets before its close_notify (Netty's engine over BoringSSL drops tickets behind it),
 * so that its next connection resumes; a server that sends no tickets costs the close at most the
 * wait's cap (20 ms), never the close timeout, and still gets our close_notify.
 */
class TicketWaitTest {
  private static final int CONNECTIONS = 20;

  @ParameterizedTest(name = "client {0}, server {1}")
  @CsvSource({"OPENSSL, OPENSSL", "OPENSSL, JDK", "JDK, OPENSSL", "OPENSSL, BORINGSSL"})
  void clientsThatCloseOnOpenResumeTheirNextConnection(
      Provider clientProvider, Provider serverProvider) throws Exception {
    TlsContext server =
        Contexts.server(serverProvider, KeyType.EC_P256).protocols("TLSv1.3").build();
    TlsContext client =
        Contexts.client(clientProvider, KeyType.EC_P256).protocols("TLSv1.3").build();
    List<Boolean> resumed = new ArrayList<>();
    try (TlsServer s =
            TlsServer.bind(
                TransportUri.parse("tls://127.0.0.1:0"), server, () -> new SessionHandler() {});
        TlsClient c = TlsClient.create()) {
      for (int i = 0; i < CONNECTIONS; i++) {
        TlsSession session =
            c.connect(s.uri(), client, new SessionHandler() {}).get(10, TimeUnit.SECONDS);
        resumed.add(session.info().resumed());
        session.close().get(10, TimeUnit.SECONDS);
      }
    }
    assertThat(resumed.get(0)).as("the first connection has nothing to resume").isFalse();
    // One miss is allowed to a busy machine (a JIT-cold server later than the 20 ms cap); without
    // the wait, Netty's engine misses most of them against a JDK server.
    assertThat(resumed.subList(1, CONNECTIONS).stream().filter(r -> !r).count())
        .as("connections after the first that did not resume: %s", resumed)
        .isLessThanOrEqualTo(1);
  }

  @ParameterizedTest(name = "client {0}, server {1}")
  @CsvSource({"OPENSSL, OPENSSL", "JDK, OPENSSL", "OPENSSL, BORINGSSL", "JDK, BORINGSSL"})
  void aClientWhoseServerSendsNoTicketsClosesWithinTheWaitWithCloseNotify(
      Provider clientProvider, Provider serverProvider) throws Exception {
    TlsContext server =
        Contexts.server(serverProvider, KeyType.EC_P256)
            .protocols("TLSv1.3")
            .sessionTickets(false)
            .build();
    // A close that waited for readability alone would end at this timeout, without close_notify.
    TlsContext client =
        Contexts.client(clientProvider, KeyType.EC_P256)
            .protocols("TLSv1.3")
            .closeTimeout(Duration.ofSeconds(3))
            .build();
    ConcurrentLinkedQueue<CloseReason> serverSide = new ConcurrentLinkedQueue<>();
    List<CloseReason> clientSide = new ArrayList<>();
    List<Long> closeMillis = new ArrayList<>();
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
      for (int i = 0; i < 5; i++) {
        CompletableFuture<CloseReason> closed = new CompletableFuture<>();
        TlsSession session =
            c.connect(
                    s.uri(),
                    client,
                    new SessionHandler() {
                      @Override
                      public void onClosed(
                          TlsSession session, CloseReason reason, Throwable cause) {
                        closed.complete(reason);
                      }
                    })
                .get(10, TimeUnit.SECONDS);
        long start = System.nanoTime();
        session.close();
        clientSide.add(closed.get(10, TimeUnit.SECONDS));
        closeMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (serverSide.size() < 5 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
    }
    assertThat(clientSide).containsOnly(CloseReason.LOCAL).hasSize(5);
    assertThat(serverSide).containsOnly(CloseReason.CLOSE_NOTIFY).hasSize(5);
    // the wait (at most 20 ms), a round trip for the server's close_notify, a busy machine's slack
    assertThat(closeMillis).allSatisfy(ms -> assertThat(ms).isLessThan(1000));
  }

  @ParameterizedTest(name = "server {0}")
  @CsvSource({"OPENSSL", "BORINGSSL"})
  void aClientsStopTlsAgainstAServerWithoutTicketsEndsAfterTheWaitNotAtTheCloseTimeout(
      Provider serverProvider) throws Exception {
    TlsContext server =
        Contexts.server(serverProvider, KeyType.EC_P256)
            .protocols("TLSv1.3")
            .sessionTickets(false)
            .build();
    TlsContext client =
        Contexts.client(Provider.OPENSSL, KeyType.EC_P256)
            .protocols("TLSv1.3")
            .closeTimeout(Duration.ofSeconds(3))
            .build();
    try (TlsServer s =
            TlsServer.bind(
                TransportUri.parse("tls://127.0.0.1:0"), server, () -> new SessionHandler() {});
        TlsClient c = TlsClient.create()) {
      TlsSession session =
          c.connect(s.uri(), client, new SessionHandler() {}).get(10, TimeUnit.SECONDS);
      long start = System.nanoTime();
      // Our close_notify, then the server's (it closes when it reads ours): plaintext after.
      TlsSession plain = session.stopTls().get(10, TimeUnit.SECONDS);
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(plain.info()).isNull();
      assertThat(millis).isLessThan(1000);
    }
  }
}
