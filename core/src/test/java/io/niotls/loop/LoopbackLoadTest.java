package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.DelegatedTasks;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.uri.TransportUri;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Thousands of full handshakes through TlsServer and TlsClient on loopback, many at once, each
 * checked byte for byte: the loop under load with delegated tasks on the worker pool.
 */
class LoopbackLoadTest {
  private static final int CONNECTIONS = 2_000;
  private static final int CONCURRENCY = 200;

  /**
   * Far beyond any handshake's real time: on a starved CPU (2 shared cores) 200 queued JDK
   * handshakes take seconds each, and a timeout here would be a test of the machine. Deadlines have
   * their own tests.
   */
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void twoThousandFullHandshakesTwoHundredAtOnceAllEchoTheirBytes(Provider provider)
      throws Exception {
    TlsContext serverContext =
        Contexts.server(provider, KeyType.EC_P256)
            .delegatedTasks(DelegatedTasks.CALLER)
            .handshakeTimeout(DEADLINE)
            .build();
    TlsContext clientContext =
        Contexts.client(provider, KeyType.EC_P256)
            .sessionResumption(false) // every handshake is a full one
            .delegatedTasks(DelegatedTasks.CALLER)
            .handshakeTimeout(DEADLINE)
            .build();
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    AtomicInteger resumed = new AtomicInteger();
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger peakInFlight = new AtomicInteger();
    long started = System.nanoTime();
    try (TlsServer server =
            TlsServer.bind(
                TransportUri.parse("tls://127.0.0.1:0"), serverContext, EchoHandler::new);
        TlsClient client = TlsClient.create()) {
      Semaphore slots = new Semaphore(CONCURRENCY);
      CountDownLatch done = new CountDownLatch(CONNECTIONS);
      Random random = new Random(2024);
      for (int i = 0; i < CONNECTIONS; i++) {
        assertThat(slots.tryAcquire(30, TimeUnit.SECONDS)).as("a slot frees up").isTrue();
        peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        byte[] payload = new byte[1 + random.nextInt(8192)];
        random.nextBytes(payload);
        Exchange exchange = new Exchange(payload);
        client.connect(server.uri(), clientContext, exchange);
        exchange.result.whenComplete(
            (session, failure) -> {
              if (failure != null) {
                failures.add(failure);
              } else if (session.info().resumed()) {
                resumed.incrementAndGet();
              }
              inFlight.decrementAndGet();
              slots.release();
              done.countDown();
            });
      }
      assertThat(done.await(90, TimeUnit.SECONDS)).as("every exchange ends").isTrue();
      ServerStats stats = server.stats();
      System.out.printf(
          "%s: %d handshakes in %d ms, server %s%n",
          provider, CONNECTIONS, (System.nanoTime() - started) / 1_000_000, stats);
      assertThat(List.copyOf(failures)).isEmpty();
      assertThat(resumed).hasValue(0);
      assertThat(peakInFlight.get()).isEqualTo(CONCURRENCY);
      assertThat(stats.accepted()).isEqualTo(CONNECTIONS);
      assertThat(stats.handshakesCompleted()).isEqualTo(CONNECTIONS);
      assertThat(stats.handshakesFailed()).isZero();
    }
    assertThat(serverContext.bufferPool().outstanding()).as("server buffers returned").isZero();
    assertThat(clientContext.bufferPool().outstanding()).as("client buffers returned").isZero();
  }
}
