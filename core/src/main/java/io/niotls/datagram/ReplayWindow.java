package io.niotls.datagram;

/**
 * The anti-replay window of RFC 6347 §4.1.2.6 for the records of one epoch: the highest sequence
 * number seen and a 64-bit map of the ones below it. A record is marked only once it has
 * authenticated, so a forged record cannot move the window. The JDK's DTLS engine keeps no such
 * window (a duplicated application record is delivered again), so the engine keeps it.
 */
final class ReplayWindow {
  private static final int SIZE = 64;

  private int epoch = -1;
  private long highest = -1;
  private long seen; // bit i: highest - i was seen

  /** Whether a record of {@code epoch} and {@code sequence} was seen, or is too old to tell. */
  boolean isReplay(int epoch, long sequence) {
    if (epoch != this.epoch || sequence > highest) {
      return epoch < this.epoch;
    }
    long behind = highest - sequence;
    return behind >= SIZE || (seen & (1L << behind)) != 0;
  }

  /** Marks an authenticated record. */
  void mark(int epoch, long sequence) {
    if (epoch > this.epoch) {
      this.epoch = epoch;
      highest = sequence;
      seen = 1;
    } else if (sequence > highest) {
      long ahead = sequence - highest;
      seen = ahead >= SIZE ? 1 : (seen << ahead) | 1;
      highest = sequence;
    } else {
      seen |= 1L << (highest - sequence);
    }
  }
}
