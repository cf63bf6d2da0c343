package io.niotls.bench.loop;

import io.niotls.context.TlsContext;
import io.niotls.loop.ClientOptions;
import io.niotls.loop.CloseReason;
import io.niotls.loop.SessionHandler;
import io.niotls.loop.TlsClient;
import io.niotls.loop.TlsEventLoopGroup;
import io.niotls.loop.TlsSession;
import io.niotls.uri.TransportUri;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Echo throughput against a loopback server: a fixed set of established connections, each sending
 * one message, waiting for all of it to come back, then sending the next (one message in flight per
 * connection, as a request/response protocol does). Counts the bytes that came back within a
 * measured window, with the server's and the client's CPU time over the same window. The client is
 * niotls's {@link TlsClient} on its own loop group, the same for every server.
 */
public final class EchoLoad implements AutoCloseable {
  private final TlsContext context;
  private final TlsEventLoopGroup group;
  private final TlsClient client;
  private final ThreadCpu cpu;

  private EchoLoad(TlsContext context, TlsEventLoopGroup group) {
    this.context = context;
    this.group = group;
    this.client = TlsClient.create(ClientOptions.builder().loops(group).build());
    CompletableFuture<String> name = new CompletableFuture<>();
    group.next().execute(() -> name.complete(Thread.currentThread().getName()));
    this.cpu = ThreadCpu.ofNiotlsGroup(name.join());
  }

  /** A client with {@code loops} loops. */
  public static EchoLoad start(TlsContext context, int loops) {
    return new EchoLoad(context, TlsEventLoopGroup.create(loops));
  }

  /**
   * One round against {@code server}: opens {@code connections}, echoes {@code messageBytes} at a
   * time on each for {@code warmNanos}, counts over {@code measureNanos}, then closes them all.
   *
   * @throws IllegalStateException when a connection failed, closed early, or got back more than it
   *     sent
   */
  public Round run(
      LoopbackServer server, int connections, int messageBytes, long warmNanos, long measureNanos)
      throws InterruptedException {
    TransportUri uri =
        TransportUri.parse(
            "tls://" + server.address().getHostString() + ":" + server.address().getPort());
    byte[] bytes = new byte[messageBytes];
    new Random(messageBytes).nextBytes(bytes);
    ByteBuffer message = ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    Run run = new Run(message);
    List<Echo> echoes = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      Echo echo = new Echo(run);
      echoes.add(echo);
      client.connect(uri, context, echo);
    }
    sleepNanos(warmNanos);
    long at = System.nanoTime();
    long bytesFrom = run.echoed.get();
    long serverFrom = server.cpuNanos();
    long clientFrom = cpu.nanos();
    sleepNanos(measureNanos);
    long bytesTo = run.echoed.get();
    long serverTo = server.cpuNanos();
    long clientTo = cpu.nanos();
    long nanos = System.nanoTime() - at;
    run.stopping = true;
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    for (Echo echo : echoes) {
      closing.add(echo.closeSession());
    }
    try {
      CompletableFuture.allOf(closing.toArray(new CompletableFuture<?>[0]))
          .get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(
          "echo connections to " + server.name() + " did not close: " + e, e);
    }
    if (run.failures.get() > 0) {
      throw new IllegalStateException(
          run.failures.get()
              + " of "
              + connections
              + " echo connections to "
              + server.name()
              + " failed; the first: "
              + run.firstFailure.get());
    }
    if (bytesTo == bytesFrom) {
      throw new IllegalStateException("no echo came back from " + server.name() + " in the window");
    }
    return new Round(bytesTo - bytesFrom, nanos, serverTo - serverFrom, clientTo - clientFrom);
  }

  @Override
  public void close() {
    client.close();
    group.close();
  }

  /**
   * What one round measured, over its window only.
   *
   * @param bytes bytes echoed back (whole messages and parts) in the window
   * @param nanos the window's length
   * @param serverCpuNanos the server's CPU time over the window
   * @param clientCpuNanos the client's CPU time over the window
   */
  public record Round(long bytes, long nanos, long serverCpuNanos, long clientCpuNanos) {
    /** Megabytes (10^6) echoed per second. */
    public double megabytesPerSecond() {
      return bytes * 1e3 / nanos;
    }
  }

  /** What the connections of one round share. */
  private static final class Run {
    final ByteBuffer message;
    final AtomicLong echoed = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final AtomicReference<String> firstFailure = new AtomicReference<>();
    volatile boolean stopping;

    Run(ByteBuffer message) {
      this.message = message;
    }

    void failed(String why) {
      failures.incrementAndGet();
      firstFailure.compareAndSet(null, why);
    }
  }

  /** One connection: sends a message, counts its echo, sends the next; all on its loop. */
  private static final class Echo implements SessionHandler {
    private final Run run;
    private final CompletableFuture<TlsSession> opened = new CompletableFuture<>();
    private int pending;

    Echo(Run run) {
      this.run = run;
    }

    @Override
    public void onOpen(TlsSession session) {
      opened.complete(session);
      send(session);
    }

    @Override
    public void onData(TlsSession session, ByteBuffer data) {
      int n = data.remaining();
      data.position(data.limit());
      pending -= n;
      run.echoed.addAndGet(n);
      if (pending < 0) {
        run.failed("the server sent back " + -pending + " bytes more than it was sent");
        session.close();
      } else if (pending == 0 && !run.stopping) {
        send(session);
      }
    }

    private void send(TlsSession session) {
      pending = run.message.remaining();
      if (!session.write(run.message.duplicate()) && session.isOpen() && !run.stopping) {
        // refused while open: the queue is full; with one message in flight it never should be
        run.failed("the client's outbound queue refused a " + pending + "-byte message");
        session.close();
      }
      // refused because the round is closing the session (close() from the driver's thread
      // raced this write): nothing to count
    }

    @Override
    public void onClosed(TlsSession session, CloseReason reason, Throwable cause) {
      opened.complete(null);
      if (!run.stopping || reason != CloseReason.LOCAL) {
        run.failed(reason + (cause == null ? "" : ": " + cause));
      }
    }

    /** Closes the session once it has opened (or at once if it never will). */
    CompletableFuture<Void> closeSession() {
      return opened.thenCompose(
          session -> session == null ? CompletableFuture.completedFuture(null) : session.close());
    }
  }

  private static void sleepNanos(long nanos) throws InterruptedException {
    Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
  }
}
