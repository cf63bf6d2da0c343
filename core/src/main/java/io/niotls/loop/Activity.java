package io.niotls.loop;

/**
 * The bytes a session's socket moved and, when the session has limits to watch, when it last moved
 * any and since when output has waited on a socket that takes none: what {@link IdleWatch} judges
 * by. Updated by every socket read and write of the session ({@link LoopSocketTransport} under TLS,
 * {@link SessionIo} for plaintext); the clock is read per system call only for a timed one.
 * Loop-confined.
 */
final class Activity {
  private final boolean timed;
  private long lastIo = System.nanoTime();
  private long stalledSince; // 0: output is not waiting on the socket
  private long bytesIn;
  private long bytesOut;

  /**
   * @param timed whether limits are watched: only then is the clock read per read and write
   */
  Activity(boolean timed) {
    this.timed = timed;
  }

  void read(int n) {
    if (n > 0) {
      bytesIn += n;
      if (timed) {
        lastIo = System.nanoTime();
      }
    }
  }

  void wrote(int n) {
    if (n > 0) {
      bytesOut += n;
      if (!timed) {
        return;
      }
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

  /** nanoTime of the last byte read or written. */
  long lastIo() {
    return lastIo;
  }

  /** nanoTime since which output has waited without the socket taking a byte; 0 when none waits. */
  long stalledSince() {
    return stalledSince;
  }

  long bytesIn() {
    return bytesIn;
  }

  long bytesOut() {
    return bytesOut;
  }
}
