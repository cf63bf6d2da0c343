package io.niotls.loop;

/**
 * The activity of a session whose limits are watched ({@link SessionLimits}): besides the bytes,
 * when its socket last moved any, since when output has waited on a socket that takes none, and
 * since when it is open. It is also the session's node in its loop's {@link IdleWatch}: the watch
 * links it into one of its buckets by the fields below, so watching a session costs these few
 * fields and no object of its own. Reads and writes only set the clock; they never move the node.
 *
 * <p>Loop-confined. The link fields belong to {@link IdleWatch}; nothing else touches them.
 */
final class WatchedActivity extends Activity {
  private long lastIo = System.nanoTime();
  private long stalledSince; // 0: output is not waiting on the socket

  // IdleWatch's, while the session is watched (owner set).
  Connection owner; // null: not watched (not open yet, or closing)
  long openedAt; // nanoTime it opened: its lifetime counts from here
  long checkTick; // the tick of the bucket it is linked into; IdleWatch.OFF or DUE otherwise
  WatchedActivity prev;
  WatchedActivity next;

  @Override
  void read(int n) {
    super.read(n);
    if (n > 0) {
      lastIo = System.nanoTime();
    }
  }

  @Override
  void wrote(int n) {
    super.wrote(n);
    if (n > 0) {
      lastIo = System.nanoTime();
      if (stalledSince != 0) {
        stalledSince = lastIo; // progress: a new wait starts from here, if any is left
      }
    }
  }

  /**
   * After a flush: output is left waiting for the socket ({@code waiting}), or all of it went.
   *
   * @return true when a wait begins now (it was not waiting before)
   */
  boolean outputWaiting(boolean waiting) {
    if (!waiting) {
      stalledSince = 0;
      return false;
    }
    if (stalledSince == 0) {
      stalledSince = System.nanoTime();
      return true;
    }
    return false;
  }

  /** nanoTime of the last byte read or written (of its creation before any). */
  long lastIo() {
    return lastIo;
  }

  /** nanoTime since which output has waited without the socket taking a byte; 0 when none waits. */
  long stalledSince() {
    return stalledSince;
  }
}
