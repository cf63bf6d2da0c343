package io.niotls.loop;

import java.io.IOException;
import java.time.Duration;

/**
 * The limits ({@link SessionLimits}: idle timeout, maximum lifetime, write stall) of one loop's
 * open sessions, watched by a coarse timing wheel with one timer for the whole loop instead of one
 * per session.
 *
 * <p>Each watched session's {@link WatchedActivity} is linked into the bucket of the tick at which
 * its earliest limit could pass, as things stood when it was last looked at. Reads and writes only
 * move the activity's clock, never the link. When a tick comes, the sessions in its bucket are
 * judged: one whose limit passed is ended (close_notify for idle and lifetime, at once for a stall,
 * by {@link Connection#limitPassed}), the others are linked again at their next due. So a busy
 * session is looked at about once per its shortest limit, a tick's work is its own bucket and never
 * all the loop's sessions, and linking, unlinking and relinking are O(1) with nothing allocated:
 * watching a session costs the few fields of its activity. The wheel's one {@link Timers} timer is
 * set for the next bucket that holds a session, none when the loop watches none; it is set anew
 * (one {@link Timers.Timer}) after each tick, and before one only for a link that comes earlier,
 * which the starts of output waits, due later as time goes on, do at most once per tick.
 *
 * <p>Resolution and lateness: the tick is a power of two of nanoseconds, the largest at most 1/16
 * of the shortest limit any session of this loop has had, within [2^23 ns (8.4 ms), 2^30 ns (1.07
 * s)]. A limit is acted on at most one tick after it passed, plus however late the loop gets to its
 * timers (a long turn of other sessions' work): for an idle timeout of 60 s, within ~1.07 s; of 600
 * ms, within 34 ms. A session with a shorter limit than any before makes the tick finer (the
 * sessions already linked keep their moment, in the finer unit); it never coarsens again. A due
 * more than 512 ticks away waits in its bucket through whole turns of the wheel, looked at and
 * passed over once per turn.
 *
 * <p>Loop-confined.
 */
final class IdleWatch implements Runnable {
  /** {@link WatchedActivity#checkTick} of an activity that is linked nowhere. */
  static final long OFF = 0;

  /** {@link WatchedActivity#checkTick} of an activity in the list a tick is judging. */
  static final long DUE = -1;

  private static final int BUCKETS = 512; // a power of two
  private static final int MASK = BUCKETS - 1;
  private static final int FINEST = 23; // 2^23 ns, 8.4 ms
  private static final int COARSEST = 30; // 2^30 ns, 1.07 s
  private static final int FRACTION = 4; // the tick is at most 1/2^4 of the shortest limit

  private final TlsEventLoop loop;
  private final long origin = System.nanoTime(); // tick 0
  private final WatchedActivity[] buckets = new WatchedActivity[BUCKETS];
  private int shift = COARSEST; // a tick is 2^shift ns
  private long doneTick; // every activity linked at this tick or before has been judged
  private WatchedActivity due; // while a tick is judged: the activities still to judge
  private boolean running;
  private int linked; // activities in the buckets or the due list
  private Timers.Timer timer;
  private long timerTick;

  IdleWatch(TlsEventLoop loop) {
    this.loop = loop;
  }

  /**
   * {@code owner} is open from now on, its socket's activity in {@code activity} (a {@link
   * WatchedActivity}): its limits, {@link Connection#limits()}, run from now.
   */
  void start(Connection owner, Activity activity) {
    WatchedActivity w = (WatchedActivity) activity;
    unlink(w);
    SessionLimits limits = owner.limits();
    refine(limits);
    w.owner = owner;
    w.openedAt = System.nanoTime();
    link(w, nextDue(w, limits));
  }

  /**
   * After a loop event of a watched session: output waits on the socket, or not; a wait that begins
   * may come due before the session's link.
   */
  void outputWaiting(Activity activity, boolean waiting) {
    WatchedActivity w = (WatchedActivity) activity;
    if (w.owner == null || !w.outputWaiting(waiting)) {
      return;
    }
    Duration stall = w.owner.limits().writeStall();
    if (stall == null || w.checkTick == DUE) {
      return; // no stall limit; or judged in this very tick, the wait counted
    }
    long at = w.stalledSince() + stall.toNanos();
    if (w.checkTick == OFF || tickOf(at) < w.checkTick) {
      unlink(w);
      link(w, at);
    }
  }

  /** The session is closing: no limit applies any more. Safe on an activity never started. */
  void stop(Activity activity) {
    WatchedActivity w = (WatchedActivity) activity;
    w.owner = null;
    if (w.checkTick != OFF) {
      unlink(w);
      if (linked == 0 && timer != null && !running) {
        timer.cancel(); // nothing left to watch: the loop may sleep until its next event
        timer = null;
      }
    }
  }

  /** The wheel's timer: judges the buckets of the ticks that have come, then sets itself again. */
  @Override
  public void run() {
    timer = null;
    long now = System.nanoTime();
    long nowTick = (now - origin) >> shift;
    RuntimeException failed = null;
    running = true;
    try {
      // Every bucket once at most, however late the loop came: a turn covers them all.
      for (long t = Math.max(doneTick + 1, nowTick - MASK); t <= nowTick; t++) {
        gather((int) (t & MASK), nowTick);
      }
      doneTick = Math.max(doneTick, nowTick);
      // Judged from a list of their own: a close calls handlers, which may close (unlink) others.
      while (due != null) {
        WatchedActivity w = due;
        unlink(w);
        try {
          judge(w, now);
        } catch (RuntimeException e) {
          failed = failed == null ? e : failed; // the rest are judged all the same
        }
      }
    } finally {
      running = false;
    }
    armNext();
    if (failed != null) {
      throw failed; // the loop reports it
    }
  }

  /** Moves the activities of bucket {@code b} due by {@code nowTick} to the due list. */
  private void gather(int b, long nowTick) {
    WatchedActivity w = buckets[b];
    while (w != null) {
      WatchedActivity next = w.next;
      if (w.checkTick <= nowTick) {
        unlink(w);
        w.checkTick = DUE;
        w.next = due;
        if (due != null) {
          due.prev = w;
        }
        due = w;
        linked++;
      }
      w = next;
    }
  }

  private void judge(WatchedActivity w, long now) {
    Connection c = w.owner;
    if (c == null) {
      return; // stopped meanwhile
    }
    SessionLimits limits = c.limits();
    if (passed(w.stalledSince(), limits.writeStall(), now)) {
      Duration d = limits.writeStall();
      stop(w);
      c.limitPassed(
          new CloseIntent(
              CloseReason.STALLED,
              new IOException(
                  "the peer took none of our queued output for "
                      + d.toMillis()
                      + " ms (writeStallTimeout): it stopped reading")),
          true);
    } else if (passed(w.openedAt, limits.lifetime(), now)) {
      stop(w);
      c.limitPassed(CloseIntent.of(CloseReason.EXPIRED), false);
    } else if (passed(w.lastIo(), limits.idle(), now)) {
      stop(w);
      c.limitPassed(CloseIntent.of(CloseReason.IDLE), false);
    } else {
      link(w, nextDue(w, limits));
    }
  }

  private static boolean passed(long since, Duration limit, long now) {
    return limit != null && since != 0 && now - (since + limit.toNanos()) >= 0;
  }

  /** The earliest moment a limit could pass, as things are now; Long.MAX_VALUE for none. */
  private static long nextDue(WatchedActivity w, SessionLimits limits) {
    long due = Long.MAX_VALUE;
    boolean any = false;
    if (limits.lifetime() != null) {
      due = w.openedAt + limits.lifetime().toNanos();
      any = true;
    }
    if (limits.idle() != null) {
      long idleDue = w.lastIo() + limits.idle().toNanos();
      due = any ? earlier(due, idleDue) : idleDue;
      any = true;
    }
    if (limits.writeStall() != null && w.stalledSince() != 0) {
      long stallDue = w.stalledSince() + limits.writeStall().toNanos();
      due = any ? earlier(due, stallDue) : stallDue;
      any = true;
    }
    return any ? due : Long.MAX_VALUE;
  }

  private static long earlier(long a, long b) {
    return a - b <= 0 ? a : b;
  }

  /** The first tick that begins at or after {@code at} (nanoTime). */
  private long tickOf(long at) {
    return (at - origin + (1L << shift) - 1) >> shift;
  }

  /** Links {@code w} into the bucket of the tick of {@code at}, or of the next tick to come. */
  private void link(WatchedActivity w, long at) {
    if (at == Long.MAX_VALUE) {
      return; // only a stall limit, and nothing waits: linked when output starts waiting
    }
    linkAt(w, Math.max(tickOf(at), doneTick + 1));
  }

  private void linkAt(WatchedActivity w, long tick) {
    int b = (int) (tick & MASK);
    WatchedActivity head = buckets[b];
    w.checkTick = tick;
    w.prev = null;
    w.next = head;
    if (head != null) {
      head.prev = w;
    }
    buckets[b] = w;
    linked++;
    if (!running && (timer == null || tick < timerTick)) {
      arm(tick);
    }
  }

  private void unlink(WatchedActivity w) {
    if (w.checkTick == OFF) {
      return;
    }
    WatchedActivity p = w.prev;
    WatchedActivity n = w.next;
    if (p != null) {
      p.next = n;
    } else if (w.checkTick == DUE) {
      due = n;
    } else {
      buckets[(int) (w.checkTick & MASK)] = n;
    }
    if (n != null) {
      n.prev = p;
    }
    w.prev = null;
    w.next = null;
    w.checkTick = OFF;
    linked--;
  }

  /** After a tick: the timer for the next bucket that holds an activity, if any does. */
  private void armNext() {
    if (linked == 0) {
      return;
    }
    for (long t = doneTick + 1; t <= doneTick + BUCKETS; t++) {
      if (buckets[(int) (t & MASK)] != null) {
        arm(t);
        return;
      }
    }
  }

  private void arm(long tick) {
    if (timer != null) {
      timer.cancel();
    }
    timerTick = tick;
    timer = loop.at(origin + (tick << shift), this);
  }

  /** The tick becomes finer when {@code limits} has a limit shorter than 16 of it. */
  private void refine(SessionLimits limits) {
    long shortest =
        shorter(
            shorter(shorter(Long.MAX_VALUE, limits.idle()), limits.lifetime()),
            limits.writeStall());
    long tick = Math.max(1, shortest >> FRACTION);
    int want = Math.max(FINEST, Math.min(COARSEST, 63 - Long.numberOfLeadingZeros(tick)));
    if (want < shift) {
      reshift(want);
    }
  }

  private static long shorter(long nanos, Duration limit) {
    return limit == null ? nanos : Math.min(nanos, limit.toNanos());
  }

  /**
   * A finer tick: every linked activity keeps the moment of its tick (the same instant counted in
   * smaller ticks) and moves to that tick's bucket; so do the judged ticks and the timer.
   */
  private void reshift(int finer) {
    int by = shift - finer;
    WatchedActivity all = null;
    for (int b = 0; b < BUCKETS; b++) {
      for (WatchedActivity w = buckets[b]; w != null; ) {
        WatchedActivity next = w.next;
        w.next = all; // a chain of its own, by next only; checkTick still in the old unit
        all = w;
        w = next;
      }
      buckets[b] = null;
    }
    shift = finer;
    doneTick <<= by;
    timerTick <<= by;
    boolean wasRunning = running;
    running = true; // relinking keeps the timer: its moment has not moved
    try {
      for (WatchedActivity w = all; w != null; ) {
        WatchedActivity next = w.next;
        linked--; // linkAt counts it again
        linkAt(w, w.checkTick << by);
        w = next;
      }
    } finally {
      running = wasRunning;
    }
  }
}
