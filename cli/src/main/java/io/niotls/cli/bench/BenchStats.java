package io.niotls.cli.bench;

import io.niotls.engine.SessionInfo;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What a bench run measured so far: handshake latencies (HdrHistogram, microseconds, three
 * significant digits), successes, resumptions, the protocol negotiated, and failures counted by
 * reason. Thread-safe: every event-loop thread records into it at once.
 */
public final class BenchStats {
  /** Distinct failure reasons kept apart; the rest are counted under {@link #OTHER}. */
  static final int MAX_REASONS = 16;

  static final String OTHER = "other";

  private final Histogram latencyMicros = new ConcurrentHistogram(3);
  private final LongAdder handshakes = new LongAdder();
  private final LongAdder resumed = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final Map<String, LongAdder> failuresByReason = new ConcurrentHashMap<>();
  private final AtomicReference<String> protocol = new AtomicReference<>();
  private final AtomicReference<String> cipher = new AtomicReference<>();

  /** A handshake that finished after {@code nanos}, and what it negotiated. */
  public void success(long nanos, SessionInfo session) {
    latencyMicros.recordValue(Math.max(1, nanos / 1000));
    handshakes.increment();
    if (session != null) {
      if (session.resumed()) {
        resumed.increment();
      }
      merge(protocol, session.protocol());
      merge(cipher, session.cipherSuite());
    }
  }

  /** A connection that did not complete its handshake, for {@code reason} (a short phrase). */
  public void failure(String reason) {
    failures.increment();
    String key = reason;
    if (!failuresByReason.containsKey(key) && failuresByReason.size() >= MAX_REASONS) {
      key = OTHER;
    }
    failuresByReason.computeIfAbsent(key, k -> new LongAdder()).increment();
  }

  public long handshakes() {
    return handshakes.sum();
  }

  public long failures() {
    return failures.sum();
  }

  /** Handshakes and failures: every connection that has ended its attempt. */
  public long finished() {
    return handshakes.sum() + failures.sum();
  }

  public long resumed() {
    return resumed.sum();
  }

  /** The protocol every handshake negotiated, "mixed" when they differed, null before any. */
  public String protocol() {
    return protocol.get();
  }

  /** The cipher suite every handshake negotiated, "mixed" when they differed, null before any. */
  public String cipher() {
    return cipher.get();
  }

  /** Failure counts by reason, sorted by reason. */
  public Map<String, Long> failuresByReason() {
    Map<String, Long> counts = new TreeMap<>();
    failuresByReason.forEach((k, v) -> counts.put(k, v.sum()));
    return counts;
  }

  /** Latency at {@code percentile} (0-100) in milliseconds; 0 before any handshake. */
  public double latencyMillis(double percentile) {
    return latencyMicros.getTotalCount() == 0
        ? 0
        : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
  }

  /** The largest latency in milliseconds; 0 before any handshake. */
  public double maxLatencyMillis() {
    return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getMaxValue() / 1000.0;
  }

  /** The mean latency in milliseconds; 0 before any handshake. */
  public double meanLatencyMillis() {
    return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getMean() / 1000.0;
  }

  private static void merge(AtomicReference<String> seen, String value) {
    if (value == null) {
      return;
    }
    seen.accumulateAndGet(value, (old, now) -> old == null || old.equals(now) ? now : "mixed");
  }
}
