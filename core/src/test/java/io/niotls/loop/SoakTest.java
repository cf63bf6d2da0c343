package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.uri.TransportUri;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A soak: connect, full handshake, echo a random payload, close, over and over with a few cycles in
 * flight, for a bounded time ({@value #DEFAULT_SECONDS} s per provider; {@code
 * -Dniotls.soak.seconds=N} for longer). Every cycle must succeed, and at the end the heap after GC,
 * the open descriptors and the pooled buffers in use are where they were after the warm-up.
 */
class SoakTest {
  private static final long DEFAULT_SECONDS = 10;
  private static final int IN_FLIGHT = 16;

  /** Heap the soak may end above its warm-up level: the noise of measuring after GC. */
  private static final long HEAP_SLACK = 4L << 20;

  /**
   * SunJSSE keeps every server session it makes for resumption, up to 20,480 (soft references, a
   * day each): a bounded cache, but one that grows through a soak of full handshakes as a leak
   * would. The soak caps it at 16 (full before the warm-up ends) so that any growth left is a leak.
   */
  private static final String JDK_CACHE_SIZE = "javax.net.ssl.sessionCacheSize";

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void cyclesOfConnectHandshakeEchoCloseLeaveHeapDescriptorsAndBuffersFlat(Provider provider)
      throws Exception {
    Duration length = Duration.ofSeconds(Long.getLong("niotls.soak.seconds", DEFAULT_SECONDS));
    TlsContext serverContext;
    String cacheSize = System.getProperty(JDK_CACHE_SIZE);
    System.setProperty(JDK_CACHE_SIZE, "16"); // read when the context's SSLContext is made
    try {
      serverContext = Contexts.server(provider, KeyType.EC_P256).build();
    } finally {
      if (cacheSize == null) {
        System.clearProperty(JDK_CACHE_SIZE);
      } else {
        System.setProperty(JDK_CACHE_SIZE, cacheSize);
      }
    }
    TlsContext clientContext =
        Contexts.client(provider, KeyType.EC_P256).sessionResumption(false).build();
    try (LoopWatch watch = new LoopWatch();
        TlsServer server =
            TlsServer.bind(
                TransportUri.parse("tls://127.0.0.1:0"), serverContext, EchoHandler::new);
        TlsClient client = TlsClient.create()) {
      Random random = new Random(42);
      run(client, server, clientContext, Duration.ofSeconds(2), random); // warm-up
      int fdBaseline = Descriptors.settled();
      long heapWarm = Memory.heapAfterGc();

      long start = System.nanoTime();
      long cycles = run(client, server, clientContext, length, random);
      double seconds = (System.nanoTime() - start) / 1e9;
      awaitIdle(server, client);
      int fdEnd = Descriptors.awaitAtMost(fdBaseline, Duration.ofSeconds(5));
      long heapEnd = Memory.heapAfterGc();

      ServerStats stats = server.stats();
      System.out.printf(
          "%s soak: %d cycles in %.1f s (%.0f/s, %d in flight); heap after GC %.1f MiB after"
              + " warm-up, %.1f MiB at the end (%+.1f KiB); descriptors %d -> %d; buffers in use"
              + " %d, %d allocated in all; server %s%n",
          provider,
          cycles,
          seconds,
          cycles / seconds,
          IN_FLIGHT,
          heapWarm / 1048576.0,
          heapEnd / 1048576.0,
          (heapEnd - heapWarm) / 1024.0,
          fdBaseline,
          fdEnd,
          serverContext.bufferPool().outstanding(),
          serverContext.bufferPool().allocated(),
          stats);
      assertThat(cycles).as("cycles").isGreaterThan(100);
      assertThat(stats.handshakesFailed()).isZero();
      assertThat(stats.handshakesCompleted()).isEqualTo(stats.accepted());
      assertThat(fdEnd).as("descriptors").isLessThanOrEqualTo(fdBaseline);
      assertThat(serverContext.bufferPool().outstanding()).isZero();
      assertThat(clientContext.bufferPool().outstanding()).isZero();
      assertThat(heapEnd - heapWarm).as("heap growth, bytes").isLessThan(HEAP_SLACK);
      watch.assertNothingEscaped();
    }
  }

  /** Runs echo cycles until {@code length} has passed; returns how many; fails on any failure. */
  private static long run(
      TlsClient client, TlsServer server, TlsContext context, Duration length, Random random)
      throws Exception {
    long end = System.nanoTime() + length.toNanos();
    Semaphore slots = new Semaphore(IN_FLIGHT);
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    AtomicLong done = new AtomicLong();
    long started = 0;
    while (System.nanoTime() < end && failures.isEmpty()) {
      assertThat(slots.tryAcquire(30, TimeUnit.SECONDS)).as("a cycle ends").isTrue();
      byte[] payload = new byte[1 + random.nextInt(32 * 1024)];
      random.nextBytes(payload);
      Exchange exchange = new Exchange(payload);
      client.connect(server.uri(), context, exchange);
      started++;
      exchange.result.whenComplete(
          (s, e) -> {
            if (e != null) {
              failures.add(e);
            }
            done.incrementAndGet();
            slots.release();
          });
    }
    assertThat(slots.tryAcquire(IN_FLIGHT, 30, TimeUnit.SECONDS))
        .as("the last cycles end")
        .isTrue();
    assertThat(List.copyOf(failures)).as("failed cycles").isEmpty();
    assertThat(done.get()).isEqualTo(started);
    return started;
  }

  private static void awaitIdle(TlsServer server, TlsClient client) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while ((server.stats().activeSessions() > 0 || client.activeSessions() > 0)
        && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    assertThat(server.stats().activeSessions()).isZero();
    assertThat(client.activeSessions()).isZero();
  }
}
