package io.niotls.cli;

import io.niotls.cli.bench.BenchStats;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The loop both benches ({@code tls://} and {@code dtls://}) run: connections started one after
 * another, at most {@code concurrency} in flight, a slot freed by each connection when it has
 * ended.
 */
final class ConnectionSlots {
  private ConnectionSlots() {}

  /**
   * Starts {@code count} connections with {@code start}, which is handed the slot's release to run
   * once its connection has ended; none starts once {@code stop} says so. Then waits at most {@code
   * drainWait} for those in flight, and says on stderr when some had not ended.
   *
   * @return false when {@code deadline} (nanoTime; {@link Long#MAX_VALUE} for none) cut it short
   */
  static boolean run(
      int concurrency,
      long count,
      long deadline,
      BooleanSupplier stop,
      Duration drainWait,
      Io io,
      Consumer<Runnable> start)
      throws InterruptedException {
    Semaphore slots = new Semaphore(concurrency);
    boolean complete = true;
    for (long i = 0; i < count && !stop.getAsBoolean(); i++) {
      if (!acquire(slots, deadline)) {
        complete = false;
        break;
      }
      start.accept(slots::release);
    }
    if (!slots.tryAcquire(concurrency, drainWait.toMillis(), TimeUnit.MILLISECONDS)) {
      io.err()
          .println(
              "niotls: some connections had not ended "
                  + drainWait.toSeconds()
                  + " s after the last start");
    }
    return complete;
  }

  /** Says on stderr why a warm-up stopped early, if it did (its first failure stops it). */
  static void reportWarmUp(BenchStats stats, Io io) {
    if (stats.failures() > 0) {
      io.err()
          .println(
              "niotls: warm-up stopped after "
                  + stats.finished()
                  + " connections: "
                  + String.join(", ", stats.failuresByReason().keySet()));
    }
  }

  /** Takes a slot, or gives up at {@code deadline} (nanoTime). */
  private static boolean acquire(Semaphore slots, long deadline) throws InterruptedException {
    if (deadline == Long.MAX_VALUE) {
      slots.acquire();
      return true;
    }
    long left = deadline - System.nanoTime();
    return left > 0 && slots.tryAcquire(left, TimeUnit.NANOSECONDS);
  }
}
