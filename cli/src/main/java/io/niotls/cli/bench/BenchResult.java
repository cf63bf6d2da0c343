package io.niotls.cli.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome of one bench run and the two ways it is printed: {@link #toJson()} (one line, for
 * scripts) and {@link #toText()} (for people).
 *
 * @param target the URI loaded
 * @param embedded whether that was the bench's own in-process server
 * @param connections how many connections were asked for
 * @param concurrency how many were in flight at most
 * @param resume whether the client tried to resume sessions
 * @param provider the client's provider (the embedded server uses the same)
 * @param keyType the embedded server's key, "ec" or "rsa"; null against a URI
 * @param elapsedNanos from the first connect to the last handshake's end
 * @param stats what was measured
 * @param serverMemory the embedded server's memory; null against a URI
 * @param stoppedByDuration whether {@code --duration} cut the run short
 */
public record BenchResult(
    String target,
    boolean embedded,
    long connections,
    int concurrency,
    boolean resume,
    String provider,
    String keyType,
    long elapsedNanos,
    BenchStats stats,
    ServerMemory serverMemory,
    boolean stoppedByDuration) {

  public double elapsedSeconds() {
    return elapsedNanos / 1e9;
  }

  /** Successful handshakes per second of elapsed time. */
  public double handshakesPerSecond() {
    return elapsedNanos <= 0 ? 0 : stats.handshakes() / elapsedSeconds();
  }

  /**
   * One JSON object on one line, its fields in a fixed order (the README shows it). Counts are
   * integers; other numbers are {@linkplain #rounded rounded}; a missing string or {@code
   * serverMemory} is null.
   */
  public String toJson() {
    ObjectNode json =
        JsonNodeFactory.instance
            .objectNode()
            .put("target", target)
            .put("embedded", embedded)
            .put("connections", connections)
            .put("concurrency", concurrency)
            .put("handshakes", stats.handshakes())
            .put("failures", stats.failures());
    ObjectNode failures = json.putObject("failuresByReason");
    stats.failuresByReason().forEach(failures::put);
    json.put("elapsedSeconds", rounded(elapsedSeconds()))
        .put("handshakesPerSecond", rounded(handshakesPerSecond()));
    json.putObject("latencyMs")
        .put("p50", rounded(stats.latencyMillis(50)))
        .put("p90", rounded(stats.latencyMillis(90)))
        .put("p99", rounded(stats.latencyMillis(99)))
        .put("max", rounded(stats.maxLatencyMillis()))
        .put("mean", rounded(stats.meanLatencyMillis()));
    json.put("provider", provider)
        .put("protocol", stats.protocol())
        .put("cipher", stats.cipher())
        .put("resume", resume)
        .put("resumed", stats.resumed())
        .put("key", keyType)
        .put("stoppedByDuration", stoppedByDuration);
    if (serverMemory == null) {
      json.putNull("serverMemory");
    } else {
      json.putObject("serverMemory")
          .put("peakConnections", serverMemory.peakConnections())
          .put("peakBufferBytes", serverMemory.peakBufferBytes())
          .put("bufferBytesPerConnection", rounded(serverMemory.bufferBytesPerConnection()))
          .put("processPeakHeapBytes", serverMemory.processPeakHeapBytes())
          .put("processPeakDirectBytes", serverMemory.processPeakDirectBytes());
    }
    // a mapper of its own, not a static one: the text report need not pay for Jackson's start
    // (a few hundred milliseconds on a busy machine); plain notation keeps a rounded 40000 from
    // going out as 4E+4, whatever scale the node keeps
    ObjectMapper mapper =
        JsonMapper.builder().enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build();
    try {
      return mapper.writeValueAsString(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings and numbers did not serialize", e);
    }
  }

  /**
   * A measured number as the report writes it: rounded to three decimals, trailing zeros dropped
   * ({@code 12.5}, {@code 3}), null (which {@code put} writes as JSON null) when not finite. The
   * rounding is {@code %.3f}'s, so the digits are those earlier versions printed.
   */
  static BigDecimal rounded(double value) {
    if (!Double.isFinite(value)) {
      return null;
    }
    BigDecimal d = new BigDecimal(String.format(Locale.ROOT, "%.3f", value)).stripTrailingZeros();
    return d.scale() < 0 ? d.setScale(0) : d; // 1E+3 -> 1000
  }

  /** A few aligned lines for a terminal. */
  public String toText() {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "niotls bench: %d handshakes, %d failures in %.2f s against %s%s%n",
            stats.handshakes(),
            stats.failures(),
            elapsedSeconds(),
            embedded ? "the embedded server " : "",
            target));
    line(b, "setup", setup());
    line(b, "handshakes/s", String.format(Locale.ROOT, "%.1f", handshakesPerSecond()));
    line(
        b,
        "latency ms",
        String.format(
            Locale.ROOT,
            "p50 %.2f   p90 %.2f   p99 %.2f   max %.2f",
            stats.latencyMillis(50),
            stats.latencyMillis(90),
            stats.latencyMillis(99),
            stats.maxLatencyMillis()));
    line(b, "negotiated", orDash(stats.protocol()) + ", " + orDash(stats.cipher()));
    line(b, "resumed", stats.resumed() + " of " + stats.handshakes());
    line(b, "failures", failuresText());
    if (serverMemory != null) {
      line(
          b,
          "server memory",
          String.format(
              Locale.ROOT,
              "%.1f KB of network buffers per connection at the peak of %d open connections",
              serverMemory.bufferBytesPerConnection() / 1024,
              serverMemory.peakConnections()));
      line(
          b,
          "process peak",
          String.format(
              Locale.ROOT,
              "heap %.1f MB (garbage included), direct %.1f MB; client and server together",
              serverMemory.processPeakHeapBytes() / 1048576.0,
              serverMemory.processPeakDirectBytes() / 1048576.0));
    }
    if (stoppedByDuration) {
      line(b, "note", "--duration ended the run before all connections were made");
    }
    return b.toString();
  }

  private String setup() {
    return String.format(
        Locale.ROOT,
        "%s, %d connections, %d at a time%s%s",
        provider,
        connections,
        concurrency,
        resume ? ", resuming sessions" : ", full handshakes",
        keyType == null ? "" : ", " + ("rsa".equals(keyType) ? "RSA 2048" : "EC P-256") + " key");
  }

  private String failuresText() {
    Map<String, Long> byReason = stats.failuresByReason();
    if (byReason.isEmpty()) {
      return "none";
    }
    StringBuilder b = new StringBuilder();
    byReason.forEach(
        (reason, n) -> b.append(b.length() == 0 ? "" : "; ").append(n).append(' ').append(reason));
    return b.toString();
  }

  private static void line(StringBuilder b, String name, String value) {
    b.append(String.format(Locale.ROOT, "  %-14s %s%n", name, value));
  }

  private static String orDash(String s) {
    return s == null ? "-" : s;
  }
}
