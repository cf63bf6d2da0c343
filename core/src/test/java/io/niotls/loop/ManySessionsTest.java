package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.ChildProcess;
import io.niotls.testing.Contexts;
import io.niotls.testing.TestPki;
import io.niotls.uri.TransportUri;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Ten thousand concurrent sessions on one TlsServer: all established and idle, then all echoing at
 * once, then all closed, with zero failures. Reports what an idle server session costs: heap after
 * GC and resident memory per session, and pooled buffers (none: idle sessions hold none). OpenSSL
 * carries the 10,000 (its handshakes are cheap); a JDK server runs 2,000. The clients speak
 * OpenSSL, whose handshakes cost the client JVM least.
 *
 * <p>The clients ({@link LoadClient}, TlsClient sessions) run in a JVM of their own: with both ends
 * in one process, 10,000 sessions need 20,000 descriptors and more, above the hard limit of many
 * machines (CI's included), which an unprivileged process cannot raise. Each side's process needs
 * {@code ulimit -n} above the session count; the test fails, saying how to raise it, when it is
 * lower ({@code .ci/run} raises the soft limit to the hard one).
 */
class ManySessionsTest {
  private static final int IN_FLIGHT = 256;
  private static final int PAYLOAD = 1024;
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  /** A client session held open until told to echo. */
  static final class Held implements SessionHandler {
    final CompletableFuture<Void> echoed = new CompletableFuture<>();
    volatile TlsSession session;
    private volatile byte[] expected;
    private int got;

    @Override
    public void onOpen(TlsSession s) {
      session = s;
    }

    void send(byte[] payload) {
      expected = payload;
      if (!session.write(ByteBuffer.wrap(payload))) {
        echoed.completeExceptionally(new AssertionError("an empty queue refused a write"));
      }
    }

    @Override
    public void onData(TlsSession s, ByteBuffer data) {
      byte[] want = expected;
      while (data.hasRemaining()) {
        if (want == null || got >= want.length || data.get() != want[got++]) {
          echoed.completeExceptionally(new AssertionError("unexpected bytes at " + got));
          data.position(data.limit());
          return;
        }
      }
      if (got == want.length) {
        echoed.complete(null);
      }
    }

    @Override
    public void onClosed(TlsSession s, CloseReason reason, Throwable cause) {
      echoed.completeExceptionally(new AssertionError("closed by " + reason, cause));
    }
  }

  @ParameterizedTest(name = "{2} sessions, {0} server, {1} clients")
  @CsvSource({"OPENSSL,OPENSSL,10000", "JDK,OPENSSL,2000"})
  void manySessionsStayOpenIdleThenAllEchoAndCloseWithoutAFailure(
      Provider provider, Provider clientProvider, int sessions) throws Exception {
    Descriptors.requireRoom(
        sessions + 512, sessions + " server sessions (their clients run in a JVM of their own)");
    TlsContext serverContext =
        Contexts.server(provider, KeyType.EC_P256).handshakeTimeout(DEADLINE).build();
    TlsContext clientContext = Contexts.client(provider, KeyType.EC_P256).build();
    Path ca = Files.createTempFile("niotls-ca", ".pem");
    TestPki.of(KeyType.EC_P256).ca().writeCertificatePem(ca);
    try (LoopWatch watch = new LoopWatch();
        TlsServer server =
            TlsServer.bind(
                TransportUri.parse("tls://127.0.0.1:0"), serverContext, EchoHandler::new)) {
      warmUp(server, clientContext);
      int fdBaseline = Descriptors.settled();
      long heapBaseline = Memory.heapAfterGc();
      long rssBaseline = Memory.residentBytes();

      try (ChildProcess clients =
          ChildProcess.java(
              LoadClient.class,
              server.uri().toString(),
              ca.toString(),
              clientProvider.name(),
              Integer.toString(sessions),
              Integer.toString(IN_FLIGHT),
              Integer.toString(PAYLOAD))) {
        String[] open = LoadClient.expect(clients, "OPEN", sessions);
        awaitActive(server, sessions);
        long heapIdle = Memory.heapAfterGc();
        long rssIdle = Memory.residentBytes();
        int fdIdle = Descriptors.open();
        assertThat(serverContext.bufferPool().outstanding()).as("idle sessions' buffers").isZero();
        assertThat(fdIdle - fdBaseline).as("descriptors").isGreaterThanOrEqualTo(sessions);

        clients.sendLine("ECHO");
        String[] echoed = LoadClient.expect(clients, "ECHOED", sessions);
        ServerStats stats = server.stats();
        assertThat(stats.activeSessions()).isEqualTo(sessions);
        assertThat(stats.handshakesFailed()).isZero();

        clients.sendLine("CLOSE");
        String[] closed = LoadClient.expect(clients, "CLOSED", -1);
        assertThat(clients.waitFor(Duration.ofSeconds(30))).as("client JVM exit code").isZero();
        awaitActive(server, 0);
        assertThat(PeerFaultTest.awaitOutstanding(serverContext)).isZero();
        assertThat(Descriptors.awaitAtMost(fdBaseline, Duration.ofSeconds(10)))
            .as("descriptors after closing")
            .isLessThanOrEqualTo(fdBaseline);
        watch.assertNothingEscaped();

        System.out.printf(
            "%s server, %d sessions: opened in %s ms, all echoed %d B in %s ms, closed in %s ms;"
                + " per idle server session: %.1f KiB heap after GC, %.1f KiB resident,"
                + " 0 pooled buffers (the pool keeps %d free of %d B); leak detection %s%n",
            provider,
            sessions,
            open[2],
            PAYLOAD,
            echoed[2],
            closed[1],
            (heapIdle - heapBaseline) / 1024.0 / sessions,
            (rssIdle - rssBaseline) / 1024.0 / sessions,
            serverContext.bufferPool().pooled(),
            serverContext.bufferPool().bufferSize(),
            System.getProperty("io.netty.leakDetection.level", "default"));
      }
    } finally {
      Files.deleteIfExists(ca);
    }
  }

  /** Runs the server's code paths once, so the baseline has what a first session loads. */
  private static void warmUp(TlsServer server, TlsContext clientContext) throws Exception {
    try (TlsClient client = TlsClient.create(ClientOptions.builder().loopCount(1).build())) {
      for (int i = 0; i < 32; i++) {
        Exchange exchange = new Exchange(new byte[PAYLOAD]);
        client.connect(server.uri(), clientContext, exchange);
        exchange.result.get(20, TimeUnit.SECONDS);
      }
    }
    awaitActive(server, 0);
  }

  private static void awaitActive(TlsServer server, int n) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (server.stats().activeSessions() != n && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    assertThat(server.stats().activeSessions()).as("server sessions").isEqualTo(n);
  }
}
