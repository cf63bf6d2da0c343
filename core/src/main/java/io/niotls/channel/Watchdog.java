package io.niotls.channel;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one timer thread of blocking {@link TlsChannel}s: a blocking {@code SocketChannel} read or
 * write honours no socket timeout, so a deadline is kept by closing the channel under the blocked
 * thread when it passes. Its thread is made when a deadline is set and ends a second after the last
 * one; a daemon, so it never keeps the JVM alive.
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
                // Not "niotls-...": that prefix names the loop's threads, which a closed group
                // must leave none of; this one is the JVM's, shared by every TlsChannel.
                Thread t = new Thread(r, "TlsChannel-watchdog");
                t.setDaemon(true);
                return t;
              });
      timer.setRemoveOnCancelPolicy(true); // a finished handshake leaves nothing behind
      // and an idle timer no thread: it is made again for the next deadline
      timer.setKeepAliveTime(1, TimeUnit.SECONDS);
      timer.allowCoreThreadTimeOut(true);
      return timer;
    }
  }

  /** Runs {@code action} once {@code delay} has passed, unless the returned future is cancelled. */
  static Future<?> after(Duration delay, Runnable action) {
    return Holder.TIMER.schedule(action, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
  }
}
