package io.niotls.loop;

import java.util.PriorityQueue;

/**
 * The timers of one loop (handshake deadlines, close timeouts), in a priority queue the loop
 * consults for its select timeout. Loop-confined: not thread-safe.
 *
 * <p>Cancelling only marks a timer; cancelled timers are dropped when they reach the head, and
 * swept in bulk once they could make up most of the queue, so cancel is O(1) and the queue stays
 * proportional to the live timers.
 */
final class Timers {
  /** A scheduled action; {@link #cancel()} on the loop thread. */
  static final class Timer implements Comparable<Timer> {
    private final long deadline;
    private final long order;
    private final Runnable action;
    private boolean cancelled;

    private Timer(long deadline, long order, Runnable action) {
      this.deadline = deadline;
      this.order = order;
      this.action = action;
    }

    void cancel() {
      cancelled = true;
    }

    @Override
    public int compareTo(Timer o) {
      int c = Long.compare(deadline - o.deadline, 0); // nanoTime may wrap: compare differences
      return c != 0 ? c : Long.compare(order, o.order);
    }
  }

  private static final int SWEEP_MIN = 1024;

  private final PriorityQueue<Timer> queue = new PriorityQueue<>();
  private long scheduled;
  private int sinceSweep;

  /** Runs {@code action} on the loop once {@code System.nanoTime()} reaches {@code deadline}. */
  Timer at(long deadline, Runnable action) {
    if (++sinceSweep > SWEEP_MIN && sinceSweep > queue.size()) {
      queue.removeIf(t -> t.cancelled);
      sinceSweep = 0;
    }
    Timer timer = new Timer(deadline, scheduled++, action);
    queue.add(timer);
    return timer;
  }

  /** Nanoseconds until the next live timer is due (0 if overdue), or -1 when there is none. */
  long nanosUntilNext(long now) {
    dropCancelledHead();
    Timer head = queue.peek();
    return head == null ? -1 : Math.max(0, head.deadline - now);
  }

  /** Runs every timer due at {@code now}; an action that throws is handed to {@code onError}. */
  void runDue(long now, java.util.function.Consumer<Throwable> onError) {
    for (Timer head = queue.peek(); head != null; head = queue.peek()) {
      if (!head.cancelled && head.deadline - now > 0) {
        return;
      }
      queue.poll();
      if (!head.cancelled) {
        head.cancelled = true;
        try {
          head.action.run();
        } catch (Throwable t) {
          onError.accept(t);
        }
      }
    }
  }

  int size() {
    return queue.size();
  }

  private void dropCancelledHead() {
    while (!queue.isEmpty() && queue.peek().cancelled) {
      queue.poll();
    }
  }
}
