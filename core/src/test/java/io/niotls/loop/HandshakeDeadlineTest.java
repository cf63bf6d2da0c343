package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.engine.TlsEngine;
import io.niotls.engine.TlsException;
import io.niotls.testing.Contexts;
import io.niotls.transport.MemoryTransport;
import io.niotls.uri.TransportUri;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Handshake deadlines: stalled peers are cut off on time, and nobody else waits for them. */
class HandshakeDeadlineTest {
  private static final Duration DEADLINE = Duration.ofMillis(400);

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void peersThatNeverFinishAreClosedAtTheDeadlineWhileOthersComplete(Provider provider)
      throws Exception {
    TlsContext serverContext =
        Contexts.server(provider, KeyType.EC_P256).handshakeTimeout(DEADLINE).build();
    TlsContext clientContext = Contexts.client(provider, KeyType.EC_P256).build();
    Handlers<EchoHandler> handlers = new Handlers<>(EchoHandler::new);
    ServerOptions options = ServerOptions.builder().loopCount(1).build();
    try (TlsServer server =
            TlsServer.bind(
                TransportUri.parse("tls://127.0.0.1:0"), serverContext, handlers, options);
        TlsClient client = TlsClient.create(ClientOptions.builder().loopCount(1).build());
        Socket silent = connect(server);
        Socket halfHello = connect(server)) {
      long start = System.nanoTime();
      byte[] hello = clientHello(clientContext);
      halfHello.getOutputStream().write(Arrays.copyOf(hello, hello.length / 2));

      List<TlsSession> completed = new ArrayList<>();
      for (int i = 0; i < 10; i++) { // one after another, while the two stalled peers wait
        Exchange exchange = new Exchange(new byte[] {1, 2, 3, (byte) i});
        client.connect(server.uri(), clientContext, exchange);
        completed.add(exchange.result.get(10, TimeUnit.SECONDS));
      }
      long othersDone = System.nanoTime() - start;

      assertThat(closedWithin(silent, Duration.ofSeconds(5))).isTrue();
      assertThat(closedWithin(halfHello, Duration.ofSeconds(5))).isTrue();
      long stalledClosed = System.nanoTime() - start;
      assertThat(completed).hasSize(10);
      assertThat(Duration.ofNanos(stalledClosed)).isGreaterThanOrEqualTo(DEADLINE.minusMillis(50));
      List<CloseReason> reasons = new ArrayList<>();
      for (EchoHandler h : handlers.made) {
        reasons.add(h.closed.get(5, TimeUnit.SECONDS).reason());
      }
      assertThat(reasons).filteredOn(r -> r == CloseReason.TIMEOUT).hasSize(2);
      EchoHandler first = handlers.made.peek();
      assertThat(first.closed.get().cause())
          .isInstanceOf(TlsException.class)
          .hasMessageContaining("did not finish within " + DEADLINE.toMillis() + " ms");
      assertThat(server.stats().handshakesFailed()).isEqualTo(2);
      assertThat(server.stats().handshakesCompleted()).isEqualTo(10);
      System.out.printf(
          "%s: 10 handshakes done after %d ms, stalled peers closed after %d ms%n",
          provider, othersDone / 1_000_000, stalledClosed / 1_000_000);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void aClientGivesUpOnAServerThatNeverAnswers(Provider provider) throws Exception {
    TlsContext clientContext =
        Contexts.client(provider, KeyType.EC_P256).handshakeTimeout(DEADLINE).build();
    ClientOptions options = ClientOptions.builder().loopCount(1).build();
    try (ServerSocket mute = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        TlsClient client = TlsClient.create(options)) {
      Recorder recorder = new Recorder();
      long start = System.nanoTime();
      var opened =
          client.connect(
              TransportUri.parse("tls://127.0.0.1:" + mute.getLocalPort()),
              clientContext,
              recorder);
      assertThatThrownBy(() -> opened.get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(TlsException.class)
          .hasMessageContaining("did not finish within " + DEADLINE.toMillis() + " ms");
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(DEADLINE.minusMillis(50));
      assertThat(recorder.closed.get(5, TimeUnit.SECONDS).reason()).isEqualTo(CloseReason.TIMEOUT);
    }
  }

  /**
   * Admission control: with one handshake allowed at a time, a stalled peer holds the slot and the
   * next connection waits in the backlog until the stalled one's deadline frees it.
   */
  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void connectionsBeyondTheHandshakeCapWaitForASlot(Provider provider) throws Exception {
    TlsContext serverContext =
        Contexts.server(provider, KeyType.EC_P256).handshakeTimeout(DEADLINE).build();
    TlsContext clientContext = Contexts.client(provider, KeyType.EC_P256).build();
    ServerOptions options = ServerOptions.builder().loopCount(1).maxConcurrentHandshakes(1).build();
    try (TlsServer server =
            TlsServer.bind(
                TransportUri.parse("tls://127.0.0.1:0"), serverContext, EchoHandler::new, options);
        TlsClient client = TlsClient.create(ClientOptions.builder().loopCount(1).build());
        Socket stalled = connect(server)) {
      awaitAccepted(server, 1);
      long start = System.nanoTime();
      Exchange exchange = new Exchange(new byte[] {42});
      client.connect(server.uri(), clientContext, exchange);
      exchange.result.get(10, TimeUnit.SECONDS);

      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("waited for the stalled handshake's deadline")
          .isGreaterThanOrEqualTo(DEADLINE.minusMillis(150));
      ServerStats stats = server.stats();
      assertThat(stats.admissionWaits()).isGreaterThanOrEqualTo(1);
      assertThat(stats.peakConcurrentHandshakes()).isEqualTo(1);
      assertThat(stats.handshakesFailed()).isEqualTo(1);
      assertThat(stats.handshakesCompleted()).isEqualTo(1);
    }
  }

  private static Socket connect(TlsServer server) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.uri().port());
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static void awaitAccepted(TlsServer server, long n) throws InterruptedException {
    for (int i = 0; i < 500 && server.stats().accepted() < n; i++) {
      Thread.sleep(10);
    }
    assertThat(server.stats().accepted()).isEqualTo(n);
  }

  /** True when the server closed the socket (EOF or reset) within {@code limit}. */
  private static boolean closedWithin(Socket socket, Duration limit) throws IOException {
    socket.setSoTimeout((int) limit.toMillis());
    InputStream in = socket.getInputStream();
    try {
      while (in.read() >= 0) {
        // a stalled handshake gets nothing but its closing
      }
      return true;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (java.net.SocketException reset) {
      return true;
    }
  }

  /** A real ClientHello, as a client engine's first flight. */
  private static byte[] clientHello(TlsContext context) {
    MemoryTransport transport = new MemoryTransport();
    TlsEngine engine = TlsEngine.client(context, transport, "localhost", 443);
    try {
      engine.handshake();
      return transport.drainAll();
    } finally {
      engine.close();
    }
  }
}
