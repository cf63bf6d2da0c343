package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.uri.TransportUri;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The loop's one wheel for the limits of all its sessions ({@link IdleWatch}), with many real TLS
 * sessions on one loop: each limit is acted on, not early, and within its bound of lateness (one
 * tick, at most 1/16 of the shortest limit; the assertions allow a loaded machine 1.5 s more, far
 * less than a wheel that missed a turn, 512 ticks), also when sessions with a much shorter limit
 * arrive on the same loop and the tick becomes finer.
 *
 * <p>Lives are timed from the server handler's onOpen. A lifetime counts from then; an idle timeout
 * from the session's last socket I/O, the handshake's, which a loaded machine's delegated tasks can
 * put a few hundred ms before onOpen.
 */
@Timeout(120)
class IdleWatchTest {
  /** Lateness allowed beyond the wheel's tick: a loaded machine's scheduling. */
  private static final long SLACK = TimeUnit.MILLISECONDS.toNanos(1500);

  /** How long before onOpen an idle timeout may start counting: the handshake's last I/O. */
  private static final Duration HANDSHAKE_TAIL = Duration.ofMillis(400);

  /** A lifetime starts as the session opens, just before onOpen. */
  private static final Duration OPEN_TAIL = Duration.ofMillis(50);

  @ParameterizedTest(name = "{0}")
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void manyIdleSessionsOnOneLoopAllEndAtTheirIdleTimeoutAndATalkingOneDoesNot(Provider provider)
      throws Exception {
    // Longer than opening them all takes: the loop is idle when they come due, so what is late is
    // the wheel's.
    Duration idle = Duration.ofSeconds(3);
    int sessions = 150;
    Ends ends = new Ends();
    try (TlsEventLoopGroup loop = TlsEventLoopGroup.create(1);
        TlsServer server = server(provider, loop, ends, ServerOptions.builder().idleTimeout(idle));
        TlsClient clients = TlsClient.create()) {
      TlsContext client = Contexts.client(provider, KeyType.EC_P256).build();
      List<CompletableFuture<TlsSession>> opened = new ArrayList<>();
      for (int i = 0; i < sessions; i++) {
        opened.add(clients.connect(server.uri(), client, new SessionHandler() {}));
      }
      TlsSession talker =
          clients.connect(server.uri(), client, new SessionHandler() {}).get(20, TimeUnit.SECONDS);
      for (CompletableFuture<TlsSession> f : opened) {
        f.get(30, TimeUnit.SECONDS);
      }
      long talkUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (System.nanoTime() < talkUntil) {
        talker.write(ByteBuffer.wrap(new byte[] {'.'})); // the server echoes: both ways, each time
        Thread.sleep(500);
      }
      assertThat(talker.isOpen()).as("the session that talked every 500 ms").isTrue();
      ends.await(sessions, Duration.ofSeconds(20));
      assertThat(ends.reasons()).as("how the idle sessions ended").containsOnly(CloseReason.IDLE);
      ends.assertWithin(idle, HANDSHAKE_TAIL, tickOf(idle));
      talker.close();
      ends.await(sessions + 1, Duration.ofSeconds(20));
      assertThat(server.stats().closed(CloseReason.IDLE)).isEqualTo(sessions);
      assertThat(server.stats().closed(CloseReason.CLOSE_NOTIFY)).isEqualTo(1);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void sessionsWithAMuchShorterLimitOnTheSameLoopLeaveTheLongerLimitsOnTime(Provider provider)
      throws Exception {
    // The first server's sessions are linked with a tick of 2^28 ns; the second server's stall
    // limit makes it 2^23 ns (8.4 ms), and 5 s are then 596 ticks: more than a turn of the wheel.
    Duration lifetime = Duration.ofSeconds(5);
    Duration idle = Duration.ofMillis(400);
    Ends longer = new Ends();
    Ends shorter = new Ends();
    try (TlsEventLoopGroup loop = TlsEventLoopGroup.create(1);
        TlsServer first =
            server(provider, loop, longer, ServerOptions.builder().maxLifetime(lifetime));
        TlsServer second =
            server(
                provider,
                loop,
                shorter,
                ServerOptions.builder()
                    .idleTimeout(idle)
                    .writeStallTimeout(Duration.ofMillis(100)));
        TlsClient clients = TlsClient.create()) {
      TlsContext client = Contexts.client(provider, KeyType.EC_P256).build();
      open(clients, first, client, 40);
      open(clients, second, client, 40);
      shorter.await(40, Duration.ofSeconds(20));
      assertThat(longer.count()).as("sessions of the first server ended by then").isZero();
      assertThat(shorter.reasons()).containsOnly(CloseReason.IDLE);
      shorter.assertWithin(idle, HANDSHAKE_TAIL, tickOf(Duration.ofMillis(100)));
      longer.await(40, Duration.ofSeconds(20));
      assertThat(longer.reasons()).containsOnly(CloseReason.EXPIRED);
      longer.assertWithin(lifetime, OPEN_TAIL, tickOf(lifetime));
    }
  }

  /** The wheel's tick for a shortest limit of {@code shortest}, as {@link IdleWatch} documents. */
  private static long tickOf(Duration shortest) {
    long tick = Math.max(1, shortest.toNanos() / 16);
    return 1L << Math.max(23, Math.min(30, 63 - Long.numberOfLeadingZeros(tick)));
  }

  private static void open(TlsClient clients, TlsServer server, TlsContext client, int n)
      throws Exception {
    List<CompletableFuture<TlsSession>> opened = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      opened.add(clients.connect(server.uri(), client, new SessionHandler() {}));
    }
    for (CompletableFuture<TlsSession> f : opened) {
      f.get(30, TimeUnit.SECONDS);
    }
  }

  private static TlsServer server(
      Provider provider, TlsEventLoopGroup loop, Ends ends, ServerOptions.Builder options)
      throws Exception {
    TlsContext context = Contexts.server(provider, KeyType.EC_P256).build();
    return TlsServer.bind(
        TransportUri.parse("tls://127.0.0.1:0"),
        context,
        ends::handler,
        options.loops(loop).build());
  }

  /** When each of a server's sessions opened and how and when it ended. */
  private static final class Ends {
    private final ConcurrentLinkedQueue<long[]> spans = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<CloseReason> reasons = new ConcurrentLinkedQueue<>();

    SessionHandler handler() {
      return new SessionHandler() {
        private long openedAt;

        @Override
        public void onOpen(TlsSession s) {
          openedAt = System.nanoTime();
        }

        @Override
        public void onData(TlsSession s, ByteBuffer data) {
          s.write(data);
        }

        @Override
        public void onClosed(TlsSession s, CloseReason why, Throwable failure) {
          if (why != CloseReason.CLOSE_NOTIFY) { // the talker's own close is not a limit's
            spans.add(new long[] {openedAt, System.nanoTime()});
          }
          reasons.add(why);
        }
      };
    }

    int count() {
      return reasons.size();
    }

    List<CloseReason> reasons() {
      return List.copyOf(reasons);
    }

    void await(int n, Duration within) throws InterruptedException {
      long end = System.nanoTime() + within.toNanos();
      while (reasons.size() < n && System.nanoTime() < end) {
        Thread.sleep(10);
      }
      assertThat(reasons.size()).as("sessions ended").isEqualTo(n);
    }

    /**
     * Every session lived at least {@code limit} less {@code tail} (the moments before onOpen the
     * limit may count from) and at most {@code limit} + a tick + the slack.
     */
    void assertWithin(Duration limit, Duration tail, long tick) {
      long shortest = Long.MAX_VALUE;
      long longest = 0;
      for (long[] span : spans) {
        shortest = Math.min(shortest, span[1] - span[0]);
        longest = Math.max(longest, span[1] - span[0]);
      }
      System.out.printf(
          "IdleWatchTest: %d sessions, limit %d ms, tick %.1f ms: lives %.1f to %.1f ms%n",
          spans.size(), limit.toMillis(), tick / 1e6, shortest / 1e6, longest / 1e6);
      assertThat(shortest)
          .as("the shortest life, ns (the limit is %d ms)", limit.toMillis())
          .isGreaterThanOrEqualTo(limit.toNanos() - tail.toNanos());
      assertThat(longest)
          .as("the longest life, ns (the limit is %d ms, a tick %d ns)", limit.toMillis(), tick)
          .isLessThanOrEqualTo(limit.toNanos() + tick + SLACK);
    }
  }
}
