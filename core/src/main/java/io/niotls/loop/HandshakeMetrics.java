package io.niotls.loop;

import io.niotls.engine.SessionInfo;
import io.niotls.engine.TlsException;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What a server's handshakes looked like: their latency (an HdrHistogram, recorded by every loop at
 * once), how many resumed, what they negotiated, and why the failed ones failed. Thread-safe.
 */
final class HandshakeMetrics {
  private final ConcurrentHistogram micros = new ConcurrentHistogram(3);
  private final LongAdder resumed = new LongAdder();
  private final Map<String, LongAdder> negotiated = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();

  void completed(long nanos, SessionInfo info) {
    micros.recordValue(Math.max(1, nanos / 1_000));
    if (info != null) {
      if (info.resumed()) {
        resumed.increment();
      }
      negotiated
          .computeIfAbsent(info.protocol() + " " + info.cipherSuite(), k -> new LongAdder())
          .increment();
    }
  }

  void failed(CloseIntent how) {
    failures.computeIfAbsent(reason(how), k -> new LongAdder()).increment();
  }

  long resumed() {
    return resumed.sum();
  }

  HandshakeLatency latency() {
    Histogram h = micros.copy();
    if (h.getTotalCount() == 0) {
      return HandshakeLatency.NONE;
    }
    return new HandshakeLatency(
        h.getTotalCount(),
        Duration.ofNanos(h.getValueAtPercentile(50) * 1_000),
        Duration.ofNanos(h.getValueAtPercentile(90) * 1_000),
        Duration.ofNanos(h.getValueAtPercentile(99) * 1_000),
        Duration.ofNanos(h.getMaxValue() * 1_000));
  }

  Map<String, Long> negotiated() {
    return sums(negotiated);
  }

  Map<String, Long> failures() {
    return sums(failures);
  }

  /**
   * A failed handshake's reason as operators group them: the alert ("alert handshake_failure"),
   * else the way it ended ("timeout", "truncated", "closed locally"), else the failure's type.
   */
  static String reason(CloseIntent how) {
    Throwable cause = how.cause();
    if (cause instanceof TlsException tls && tls.alert() != null) {
      return "alert " + tls.alert();
    }
    return switch (how.reason()) {
      case TIMEOUT -> "timeout";
      case TRUNCATED -> "truncated";
      case LOCAL -> "closed locally";
      default ->
          cause == null
              ? how.reason().name().toLowerCase(java.util.Locale.ROOT)
              : cause.getClass().getSimpleName();
    };
  }

  private static Map<String, Long> sums(Map<String, LongAdder> counters) {
    Map<String, Long> sums = new TreeMap<>();
    counters.forEach((key, n) -> sums.put(key, n.sum()));
    return Collections.unmodifiableMap(sums);
  }
}
