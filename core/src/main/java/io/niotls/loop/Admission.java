package io.niotls.loop;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many TLS handshakes a server runs at once, against {@link
 * ServerOptions#maxConcurrentHandshakes()}: a slot is taken at accept and freed when the handshake
 * ends, either way. Thread-safe.
 */
final class Admission {
  private final int limit;
  private final AtomicInteger handshaking = new AtomicInteger();
  private final AtomicInteger peak = new AtomicInteger();
  private final LongAdder waits = new LongAdder();

  Admission(int limit) {
    this.limit = limit;
  }

  /** Whether every slot is taken: accepting should pause. */
  boolean full() {
    return handshaking.get() >= limit;
  }

  /** An accepted connection's handshake begins. */
  void taken() {
    peak.accumulateAndGet(handshaking.incrementAndGet(), Math::max);
  }

  /** A handshake ended (completed, failed or cut short). */
  void freed() {
    handshaking.decrementAndGet();
  }

  /** Accepting paused because every slot was taken. */
  void waited() {
    waits.increment();
  }

  int inProgress() {
    return handshaking.get();
  }

  int peak() {
    return peak.get();
  }

  long waits() {
    return waits.sum();
  }
}
