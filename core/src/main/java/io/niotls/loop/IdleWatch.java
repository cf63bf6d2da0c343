package io.niotls.loop;

import java.io.IOException;
import java.time.Duration;

/**
 * The limits of one open session ({@link SessionLimits}): one timer, due at the earliest limit that
 * could pass, which looks at the session's {@link Activity} when it fires and either ends the
 * session or sets itself again. Reads and writes never touch the timer, only the activity's clock.
 *
 * <p>Loop-confined: started when the session opens, stopped when it starts closing. Every open
 * session with a limit holds one, so it is small: it is its own timer action and calls its
 * connection directly, no lambdas.
 */
final class IdleWatch implements Runnable {
  private final TlsEventLoop loop;
  private final SessionLimits limits;
  private final Connection connection;
  private Activity activity;
  private long openedAt;
  private Timers.Timer timer;
  private long timerAt;

  /**
   * @param connection ends the session when a limit passes: with close_notify (idle, lifetime), or
   *     at once (a stalled peer, which would not take a close_notify either)
   */
  IdleWatch(TlsEventLoop loop, SessionLimits limits, Connection connection) {
    this.loop = loop;
    this.limits = limits;
    this.connection = connection;
  }

  /** The session is open from now on, its socket's activity in {@code activity}. */
  void start(Activity activity) {
    this.activity = activity;
    openedAt = System.nanoTime();
    schedule(nextDue());
  }

  /**
   * After a loop event: output waits on the socket, or not; a wait that begins may come due first.
   */
  void outputWaiting(boolean waiting) {
    if (activity != null && activity.outputWaiting(waiting) && limits.writeStall() != null) {
      long due = activity.stalledSince() + limits.writeStall().toNanos();
      if (timer == null || due - timerAt < 0) {
        schedule(due);
      }
    }
  }

  /** The session is closing: no limit applies any more. */
  void stop() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
    activity = null;
  }

  /** The timer fired: a limit may have passed. */
  @Override
  public void run() {
    timer = null;
    if (activity == null) {
      return;
    }
    long now = System.nanoTime();
    if (passed(activity.stalledSince(), limits.writeStall(), now)) {
      Duration d = limits.writeStall();
      stop();
      connection.limitPassed(
          new CloseIntent(
              CloseReason.STALLED,
              new IOException(
                  "the peer took none of our queued output for "
                      + d.toMillis()
                      + " ms (writeStallTimeout): it stopped reading")),
          true);
    } else if (passed(openedAt, limits.lifetime(), now)) {
      stop();
      connection.limitPassed(CloseIntent.of(CloseReason.EXPIRED), false);
    } else if (passed(activity.lastIo(), limits.idle(), now)) {
      stop();
      connection.limitPassed(CloseIntent.of(CloseReason.IDLE), false);
    } else {
      schedule(nextDue());
    }
  }

  private static boolean passed(long since, Duration limit, long now) {
    return limit != null && since != 0 && now - (since + limit.toNanos()) >= 0;
  }

  /** The earliest moment a limit could pass, as things are now. */
  private long nextDue() {
    long due = Long.MAX_VALUE;
    boolean any = false;
    if (limits.lifetime() != null) {
      due = openedAt + limits.lifetime().toNanos();
      any = true;
    }
    if (limits.idle() != null) {
      long idleDue = activity.lastIo() + limits.idle().toNanos();
      due = any ? earlier(due, idleDue) : idleDue;
      any = true;
    }
    if (limits.writeStall() != null && activity.stalledSince() != 0) {
      long stallDue = activity.stalledSince() + limits.writeStall().toNanos();
      due = any ? earlier(due, stallDue) : stallDue;
      any = true;
    }
    return any ? due : Long.MAX_VALUE;
  }

  private static long earlier(long a, long b) {
    return a - b <= 0 ? a : b;
  }

  private void schedule(long at) {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
    if (at == Long.MAX_VALUE) {
      return; // only a stall limit, and nothing waits: set again when output starts waiting
    }
    timerAt = at;
    timer = loop.at(at, this);
  }
}
