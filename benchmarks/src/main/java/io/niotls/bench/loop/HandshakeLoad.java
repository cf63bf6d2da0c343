package io.niotls.bench.loop;

import io.niotls.context.TlsContext;
import io.niotls.engine.SessionInfo;
import io.niotls.loop.ClientOptions;
import io.niotls.loop.CloseReason;
import io.niotls.loop.SessionHandler;
import io.niotls.loop.TlsClient;
import io.niotls.loop.TlsEventLoopGroup;
import io.niotls.loop.TlsSession;
import io.niotls.uri.TransportUri;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The one client of the loopback benchmarks: a niotls {@link TlsClient} on its own loop group that
 * keeps a fixed number of connections in flight against a server, each one connect, full handshake,
 * close_notify, and the server's close (or the close timeout); as one ends, the next starts. Every
 * session is checked: the asked protocol, not resumed.
 *
 * <p>A {@link #run round} ramps up for a warm-up time, counts the connections that end in a
 * measured window (with the server's and the client's CPU time over the same window), then stops
 * starting new ones and waits for those in flight, so the next round starts from nothing.
 */
public final class HandshakeLoad implements AutoCloseable {
  /** How long a round may take to drain before it is declared stuck. */
  private static final long DRAIN_NANOS = 60_000_000_000L;

  private final TlsContext context;
  private final String protocol;
  private final TlsEventLoopGroup group;
  private final TlsClient client;
  private final ThreadCpu cpu;

  private HandshakeLoad(TlsContext context, String protocol, TlsEventLoopGroup group) {
    this.context = context;
    this.protocol = protocol;
    this.group = group;
    this.client = TlsClient.create(ClientOptions.builder().loops(group).build());
    CompletableFuture<String> name = new CompletableFuture<>();
    group.next().execute(() -> name.complete(Thread.currentThread().getName()));
    this.cpu = ThreadCpu.ofNiotlsGroup(name.join());
  }

  /** A client with {@code loops} loops whose sessions must negotiate {@code protocol}. */
  public static HandshakeLoad start(TlsContext context, String protocol, int loops) {
    return new HandshakeLoad(context, protocol, TlsEventLoopGroup.create(loops));
  }

  /**
   * One round against {@code server}: {@code inFlight} connections at a time, {@code warmNanos} of
   * ramp-up, then {@code measureNanos} counted.
   *
   * @throws IllegalStateException when any connection failed or was wrong (protocol, resumed), or
   *     the round did not drain
   */
  public Round run(LoopbackServer server, int inFlight, long warmNanos, long measureNanos)
      throws InterruptedException {
    TransportUri uri =
        TransportUri.parse(
            "tls://" + server.address().getHostString() + ":" + server.address().getPort());
    Run run = new Run(uri);
    for (int i = 0; i < inFlight; i++) {
      run.startOne();
    }
    sleepNanos(warmNanos);
    Snapshot from = run.snapshot(server);
    sleepNanos(measureNanos);
    Snapshot to = run.snapshot(server);
    run.stop();
    Round round = Round.between(from, to);
    if (!run.awaitDrained(DRAIN_NANOS)) {
      throw new IllegalStateException(
          run.inFlight.get() + " connections to " + server.name() + " still open after the round");
    }
    if (run.failures.get() > 0) {
      throw new IllegalStateException(
          run.failures.get()
              + " of "
              + (run.failures.get() + run.completed.get())
              + " connections to "
              + server.name()
              + " failed; the first: "
              + run.firstFailure.get());
    }
    return round;
  }

  private Snapshot takeSnapshot(LoopbackServer server, Run run) {
    return new Snapshot(
        System.nanoTime(),
        run.completed.get(),
        server.cpuNanos(),
        cpu.nanos(),
        run.handshakeNanos.sum(),
        run.closeNanos.sum());
  }

  @Override
  public void close() {
    client.close();
    group.close();
  }

  /**
   * What one round measured, over its window only.
   *
   * @param connections connections that ended (handshake done, then closed) in the window
   * @param nanos the window's length
   * @param serverCpuNanos the server's CPU time over the window
   * @param clientCpuNanos the client's CPU time over the window
   * @param handshakeNanos connect-to-open times summed, of the connections that ended in the window
   * @param closeNanos close-to-closed times summed, likewise
   */
  public record Round(
      long connections,
      long nanos,
      long serverCpuNanos,
      long clientCpuNanos,
      long handshakeNanos,
      long closeNanos) {
    static Round between(Snapshot from, Snapshot to) {
      return new Round(
          to.completed - from.completed,
          to.at - from.at,
          to.serverCpu - from.serverCpu,
          to.clientCpu - from.clientCpu,
          to.handshakeNanos - from.handshakeNanos,
          to.closeNanos - from.closeNanos);
    }

    /** Full handshakes (connections) per second. */
    public double perSecond() {
      return connections * 1e9 / nanos;
    }
  }

  private record Snapshot(
      long at,
      long completed,
      long serverCpu,
      long clientCpu,
      long handshakeNanos,
      long closeNanos) {}

  /** The connections of one round. */
  private final class Run {
    final TransportUri uri;
    final AtomicBoolean starting = new AtomicBoolean(true);
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicLong completed = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final LongAdder handshakeNanos = new LongAdder();
    final LongAdder closeNanos = new LongAdder();
    final AtomicReference<String> firstFailure = new AtomicReference<>();
    final Object drained = new Object();

    Run(TransportUri uri) {
      this.uri = uri;
    }

    void startOne() {
      inFlight.incrementAndGet();
      client.connect(uri, context, new Connection(this));
    }

    Snapshot snapshot(LoopbackServer server) {
      return takeSnapshot(server, this);
    }

    void ended(boolean ok, String why) {
      if (ok) {
        completed.incrementAndGet();
      } else {
        failures.incrementAndGet();
        firstFailure.compareAndSet(null, why);
      }
      if (starting.get()) {
        startOne();
      }
      if (inFlight.decrementAndGet() == 0) {
        synchronized (drained) {
          drained.notifyAll();
        }
      }
    }

    void stop() {
      starting.set(false);
    }

    boolean awaitDrained(long nanos) throws InterruptedException {
      long deadline = System.nanoTime() + nanos;
      synchronized (drained) {
        while (inFlight.get() > 0) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          drained.wait(Math.max(1, left / 1_000_000));
        }
      }
      return true;
    }
  }

  /** One connection: closes as soon as it is open, then reports how it ended. */
  private final class Connection implements SessionHandler {
    private final Run run;
    private final long begin = System.nanoTime();
    private long closeAt;
    private String wrong;

    Connection(Run run) {
      this.run = run;
    }

    @Override
    public void onOpen(TlsSession session) {
      closeAt = System.nanoTime();
      run.handshakeNanos.add(closeAt - begin);
      SessionInfo info = session.info();
      if (!protocol.equals(info.protocol()) || info.resumed()) {
        wrong = "negotiated " + info.protocol() + (info.resumed() ? ", resumed" : "");
      }
      session.close();
    }

    @Override
    public void onClosed(TlsSession session, CloseReason reason, Throwable cause) {
      if (closeAt != 0) {
        run.closeNanos.add(System.nanoTime() - closeAt);
      }
      boolean ok = closeAt != 0 && wrong == null && reason == CloseReason.LOCAL;
      run.ended(ok, wrong != null ? wrong : reason + ": " + cause);
    }
  }

  private static void sleepNanos(long nanos) throws InterruptedException {
    Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
  }
}
