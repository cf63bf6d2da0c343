package io.niotls.datagram;

import java.time.Duration;

/**
 * The retransmission timer of one DTLS handshake (RFC 6347 §4.2.4): 1 s after a flight is sent,
 * doubled at each retransmission up to 60 s, and given up after a bounded number of them or once
 * the handshake's deadline has passed, whichever comes first. Times are {@link System#nanoTime()}
 * values. Confined to the engine's thread.
 */
final class Retransmissions {
  static final Duration INITIAL = Duration.ofSeconds(1);
  static final Duration MAXIMUM = Duration.ofSeconds(60);

  /** RFC 6347 leaves the bound to the implementation; 1+2+4+8+16+32 s is 63 s of trying. */
  static final int MAX_RETRANSMISSIONS = 6;

  private final long initial;
  private final long deadline;
  private long interval;
  private long due;
  private boolean armed;
  private int retransmitted;

  Retransmissions(long start, Duration handshakeTimeout, Duration initial) {
    this.initial = initial.toNanos();
    this.deadline = start + handshakeTimeout.toNanos();
    this.interval = this.initial;
  }

  /**
   * A new flight went out: wait the initial interval for the peer's answer. The bound on
   * retransmissions is per flight (the peer answered the last one); the deadline bounds them all.
   */
  void flightSent(long now) {
    interval = initial;
    retransmitted = 0;
    due = now + interval;
    armed = true;
  }

  /** The handshake ended: no more timeouts. */
  void stop() {
    armed = false;
  }

  boolean armed() {
    return armed;
  }

  /**
   * When the next timeout is due, as a nanoTime value: the next retransmission, or the handshake's
   * deadline if that comes first. Meaningful only while {@link #armed()}.
   */
  long due() {
    return due - deadline < 0 ? due : deadline;
  }

  boolean isDue(long now) {
    return armed && now - due() >= 0;
  }

  /** Whether the handshake has run out of time or of retransmissions at {@code now}. */
  boolean exhausted(long now) {
    return retransmitted >= MAX_RETRANSMISSIONS || now - deadline >= 0;
  }

  /** The flight is being sent again: double the interval (bounded) and wait that long. */
  void retransmitted(long now) {
    retransmitted++;
    interval = Math.min(interval * 2, MAXIMUM.toNanos());
    due = now + interval;
    armed = true;
  }

  int count() {
    return retransmitted;
  }
}
