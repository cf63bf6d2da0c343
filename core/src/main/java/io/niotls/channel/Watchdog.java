package io.niotls.channel;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one timer thread of blocking {@link TlsChannel}s: a blocking {@code SocketChannel} read or
 * write honours no socket timeout, so a deadline is kept by closing the channel under the blocked
 * thread when it passes. Made on first use; a daemon, so it never keeps the JVM alive.
 */
final class Watchdog {
  private Watchdog() {}

  private static final class Holder {
    static final ScheduledThreadPoolExecutor TIMER = timer();

    private static ScheduledThreadPoolExecutor timer() {
      ScheduledThreadPoolExecutor timer =
          new ScheduledThreadPoolExecutor(
              1,
              r -> {
                Thread t = new Thread(r, "niotls-channel-watchdog");
                t.setDaemon(true);
                return t;
              });
      timer.setRemoveOnCancelPolicy(true); // a finished handshake leaves nothing behind
      return timer;
    }
  }

  /** Runs {@code action} once {@code delay} has passed, unless the returned future is cancelled. */
  static Future<?> after(Duration delay, Runnable action) {
    return Holder.TIMER.schedule(action, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
  }
}
