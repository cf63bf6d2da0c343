package io.niotls.cli;

import io.niotls.cli.bench.BenchResult;
import io.niotls.cli.bench.BenchStats;
import io.niotls.cli.bench.FailureReasons;
import io.niotls.cli.bench.MemorySampler;
import io.niotls.cli.bench.Progress;
import io.niotls.cli.bench.ServerMemory;
import io.niotls.cli.server.EchoHandler;
import io.niotls.cli.server.Tally;
import io.niotls.context.TlsContext;
import io.niotls.loop.ServerOptions;
import io.niotls.loop.SessionHandler;
import io.niotls.loop.TlsClient;
import io.niotls.loop.TlsServer;
import io.niotls.loop.TlsSession;
import io.niotls.uri.TransportUri;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * Runs {@code niotls bench}: optionally an embedded server, then {@code warmup} connections that
 * are not counted, then {@code connections} connects at most {@code concurrency} at a time, each
 * timed from connect to the end of its handshake and then closed with close_notify; a slot frees
 * when its connection has closed.
 */
final class BenchRunner {
  /** No handshake in a bench needs more than this beyond its own deadline to end. */
  private static final Duration SLACK = Duration.ofSeconds(10);

  private static final SessionHandler QUIET = new SessionHandler() {};

  private BenchRunner() {}

  static int run(BenchCommand.Plan plan, Io io) throws Exception {
    TlsServer server = null;
    Tally tally = null;
    TransportUri target = plan.target();
    BenchResult result;
    try {
      if (plan.embedded()) {
        tally = new Tally(0, () -> {});
        ServerOptions options =
            ServerOptions.builder()
                .maxConcurrentHandshakes(Math.max(1024, plan.concurrency()))
                .build();
        server =
            ServerRunner.bind(
                target, plan.serverContext(), tally.counting(EchoHandler::new), options);
        target = server.uri();
      }
      try (TlsClient client = TlsClient.create()) {
        if (plan.resume()) {
          prime(client, target, plan.clientContext());
        }
        warmUp(client, target, plan, io);
        // the server's memory is sampled over the measured connections only
        MemorySampler sampler =
            tally == null ? null : MemorySampler.start(tally, plan.serverContext().bufferPool());
        result = load(client, target, plan, io, sampler);
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
    io.out().print(plan.json() ? result.toJson() + System.lineSeparator() : result.toText());
    io.out().flush();
    if (result.stats().failures() > 0) {
      return Main.FAILED;
    }
    return resumedEnough(plan, result.stats(), io) ? Main.OK : Main.FAILED;
  }

  /** The share of --resume handshakes that must resume for the run to pass. */
  static final double MIN_RESUMED = 0.99;

  /**
   * With {@code --resume}, whether at least {@link #MIN_RESUMED} of the handshakes resumed; says on
   * stderr when not, since a run of full handshakes measures something else than was asked.
   */
  private static boolean resumedEnough(BenchCommand.Plan plan, BenchStats stats, Io io) {
    if (!plan.resume() || stats.handshakes() == 0) {
      return true;
    }
    double share = (double) stats.resumed() / stats.handshakes();
    if (share >= MIN_RESUMED) {
      return true;
    }
    io.err()
        .printf(
            java.util.Locale.ROOT,
            "niotls bench: --resume asked for resumed handshakes, but only %d of %d (%.0f%%)"
                + " resumed: the server does not resume these sessions (its session cache or"
                + " tickets), so these are mostly full handshakes%n",
            stats.resumed(),
            stats.handshakes(),
            100 * share);
    io.err().flush();
    return false;
  }

  private static BenchResult load(
      TlsClient client, TransportUri target, BenchCommand.Plan plan, Io io, MemorySampler sampler)
      throws InterruptedException {
    BenchStats stats = new BenchStats();
    AtomicLong lastEnd = new AtomicLong();
    TlsContext context = plan.clientContext();
    long start = System.nanoTime();
    long deadline = plan.duration() == null ? Long.MAX_VALUE : start + plan.duration().toNanos();
    boolean cut;
    try (Progress progress =
        Progress.create(io.err(), plan.connections(), plan.progress(), System.console() != null)) {
      cut =
          !connections(
              client,
              target,
              plan,
              plan.connections(),
              deadline,
              stats,
              () -> false,
              end -> {
                lastEnd.accumulateAndGet(end, Math::max);
                progress.update(stats.finished(), stats.failures());
              },
              io);
    }
    ServerMemory memory = sampler == null ? null : sampler.stop();
    long elapsed = Math.max(0, lastEnd.get() - start);
    return new BenchResult(
        target.toString(),
        plan.embedded(),
        plan.connections(),
        plan.concurrency(),
        plan.resume(),
        context.provider().name(),
        plan.keyType(),
        elapsed,
        stats,
        memory,
        cut);
  }

  /**
   * {@code --warmup} connections, made like the measured ones and then forgotten, so that both
   * ends' code is compiled before the clock starts. The first failure ends the warm-up (said on
   * stderr): the measured run then reports failures the usual way.
   */
  private static void warmUp(TlsClient client, TransportUri target, BenchCommand.Plan plan, Io io)
      throws InterruptedException {
    if (plan.warmup() == 0) {
      return;
    }
    BenchStats stats = new BenchStats();
    connections(
        client,
        target,
        plan,
        plan.warmup(),
        Long.MAX_VALUE,
        stats,
        () -> stats.failures() > 0,
        end -> {},
        io);
    ConnectionSlots.reportWarmUp(stats, io);
  }

  /**
   * Makes {@code count} connections, at most the plan's concurrency at a time, each timed from
   * connect to the end of its handshake into {@code stats} and then closed; {@code ended} hears
   * each one end (nanoTime); none starts once {@code stop} says so. Returns false when {@code
   * deadline} (nanoTime) cut it short. Waits for the connections in flight to end, and says so on
   * stderr when some did not.
   */
  private static boolean connections(
      TlsClient client,
      TransportUri target,
      BenchCommand.Plan plan,
      long count,
      long deadline,
      BenchStats stats,
      BooleanSupplier stop,
      LongConsumer ended,
      Io io)
      throws InterruptedException {
    TlsContext context = plan.clientContext();
    return ConnectionSlots.run(
        plan.concurrency(),
        count,
        deadline,
        stop,
        context.handshakeTimeout().plus(SLACK),
        io,
        release -> {
          long begin = System.nanoTime();
          client
              .connect(target, context, QUIET)
              .whenComplete(
                  (session, failure) -> {
                    long end = System.nanoTime();
                    if (failure == null) {
                      stats.success(end - begin, session.info());
                      session.close().whenComplete((ok, e) -> release.run());
                    } else {
                      stats.failure(FailureReasons.of(failure));
                      release.run();
                    }
                    ended.accept(end);
                  });
        });
  }

  /** One connection first, not counted, so that there is a session to resume. */
  private static void prime(TlsClient client, TransportUri target, TlsContext context)
      throws InterruptedException {
    Duration wait = context.handshakeTimeout().plus(SLACK);
    try {
      TlsSession first =
          client.connect(target, context, QUIET).get(wait.toMillis(), TimeUnit.MILLISECONDS);
      first.close().get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw CliException.failed(
          "the first connection to " + target + " failed: " + FailureReasons.of(e), e);
    }
  }
}
