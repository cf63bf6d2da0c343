package io.niotls.loop;

/**
 * The bytes a session's socket moved. Updated by every socket read and write of the session ({@link
 * LoopSocketTransport} under TLS, {@link SessionIo} for plaintext). Loop-confined.
 *
 * <p>A session with limits to watch gets a {@link WatchedActivity} instead ({@link #of}), which
 * also keeps the clocks its limits are judged by; a session without limits pays for two counters
 * and never reads the clock per read or write.
 */
class Activity {
  private long bytesIn;
  private long bytesOut;

  Activity() {}

  /**
   * @param timed whether the session's limits are watched: then the clock is read per read and
   *     write, and the activity is the session's place in its loop's {@link IdleWatch}
   */
  static Activity of(boolean timed) {
    return timed ? new WatchedActivity() : new Activity();
  }

  void read(int n) {
    if (n > 0) {
      bytesIn += n;
    }
  }

  void wrote(int n) {
    if (n > 0) {
      bytesOut += n;
    }
  }

  long bytesIn() {
    return bytesIn;
  }

  long bytesOut() {
    return bytesOut;
  }
}
