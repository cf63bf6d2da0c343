package io.niotls.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.niotls.engine.SessionInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchResultTest {

  private static SessionInfo session(String protocol, boolean resumed) {
    return new SessionInfo(protocol, "TLS_AES_128_GCM_SHA256", null, null, List.of(), resumed);
  }

  private static BenchStats stats() {
    BenchStats stats = new BenchStats();
    for (int i = 1; i <= 100; i++) {
      stats.success(i * 1_000_000L, session("TLSv1.3", i % 2 == 0));
    }
    stats.failure("timeout");
    stats.failure("timeout");
    stats.failure("alert: handshake_failure");
    return stats;
  }

  @Test
  void latencyPercentilesComeFromTheHistogram() {
    BenchStats stats = stats();
    assertThat(stats.latencyMillis(50)).isCloseTo(50, org.assertj.core.data.Offset.offset(0.1));
    assertThat(stats.latencyMillis(99)).isCloseTo(99, org.assertj.core.data.Offset.offset(0.1));
    assertThat(stats.maxLatencyMillis()).isCloseTo(100, org.assertj.core.data.Offset.offset(0.1));
  }

  @Test
  void failuresAreCountedByReason() {
    assertThat(stats().failuresByReason())
        .containsExactly(Map.entry("alert: handshake_failure", 1L), Map.entry("timeout", 2L));
  }

  @Test
  void manyDistinctReasonsAreCappedUnderOther() {
    BenchStats stats = new BenchStats();
    for (int i = 0; i < BenchStats.MAX_REASONS + 5; i++) {
      stats.failure("reason " + i);
    }
    assertThat(stats.failuresByReason()).hasSize(BenchStats.MAX_REASONS + 1);
    assertThat(stats.failuresByReason().get(BenchStats.OTHER)).isEqualTo(5L);
  }

  @Test
  void differentProtocolsAreReportedAsMixed() {
    BenchStats stats = new BenchStats();
    stats.success(1000, session("TLSv1.3", false));
    assertThat(stats.protocol()).isEqualTo("TLSv1.3");
    stats.success(1000, session("TLSv1.2", false));
    stats.success(1000, session("TLSv1.3", false));
    assertThat(stats.protocol()).isEqualTo("mixed");
  }

  /**
   * The exact line scripts read, as earlier versions wrote it: fields in the README's order, counts
   * as integers, other numbers to three decimals without trailing zeros ({@code 2}, {@code 50},
   * {@code 40000}, {@code 50.015}).
   */
  @Test
  void theJsonIsTheDocumentedLineToTheByte() {
    BenchStats stats = stats();
    stats.failure("alert: \"handshake_failure\" \\ x");
    BenchResult result =
        new BenchResult(
            "tls://127.0.0.1:1",
            true,
            103,
            10,
            true,
            "OPENSSL",
            "ec",
            2_000_000_000L,
            stats,
            new ServerMemory(10, 10 * 40_000L, 50_000_000L, 1_000_000L),
            false);
    assertThat(result.toJson())
        .isEqualTo(
            "{\"target\":\"tls://127.0.0.1:1\",\"embedded\":true,\"connections\":103,"
                + "\"concurrency\":10,\"handshakes\":100,\"failures\":4,\"failuresByReason\":"
                + "{\"alert: \\\"handshake_failure\\\" \\\\ x\":1,"
                + "\"alert: handshake_failure\":1,\"timeout\":2},"
                + "\"elapsedSeconds\":2,\"handshakesPerSecond\":50,\"latencyMs\":{\"p50\":50.015,"
                + "\"p90\":90.047,\"p99\":99.007,\"max\":100.031,\"mean\":50.504},"
                + "\"provider\":\"OPENSSL\",\"protocol\":\"TLSv1.3\","
                + "\"cipher\":\"TLS_AES_128_GCM_SHA256\",\"resume\":true,\"resumed\":50,"
                + "\"key\":\"ec\",\"stoppedByDuration\":false,\"serverMemory\":"
                + "{\"peakConnections\":10,\"peakBufferBytes\":400000,"
                + "\"bufferBytesPerConnection\":40000,\"processPeakHeapBytes\":50000000,"
                + "\"processPeakDirectBytes\":1000000}}");
  }

  @Test
  void againstAUriWhatIsUnknownIsNull() {
    BenchResult result =
        new BenchResult(
            "tls://h:1",
            false,
            103,
            10,
            false,
            "JDK",
            null,
            1_234_567_891L,
            new BenchStats(),
            null,
            true);
    assertThat(result.toJson())
        .isEqualTo(
            "{\"target\":\"tls://h:1\",\"embedded\":false,\"connections\":103,"
                + "\"concurrency\":10,\"handshakes\":0,\"failures\":0,\"failuresByReason\":{},"
                + "\"elapsedSeconds\":1.235,\"handshakesPerSecond\":0,\"latencyMs\":{\"p50\":0,"
                + "\"p90\":0,\"p99\":0,\"max\":0,\"mean\":0},\"provider\":\"JDK\","
                + "\"protocol\":null,\"cipher\":null,\"resume\":false,\"resumed\":0,"
                + "\"key\":null,\"stoppedByDuration\":true,\"serverMemory\":null}");
  }

  @Test
  void numbersAreRoundedToThreeDecimalsAndNonFiniteOnesAreNull() {
    assertThat(BenchResult.rounded(1234.56789)).hasToString("1234.568");
    assertThat(BenchResult.rounded(12.5)).hasToString("12.5");
    assertThat(BenchResult.rounded(3.0)).hasToString("3");
    assertThat(BenchResult.rounded(40_000.0)).hasToString("40000");
    assertThat(BenchResult.rounded(0.0004)).hasToString("0");
    assertThat(BenchResult.rounded(Double.NaN)).isNull();
    assertThat(BenchResult.rounded(Double.POSITIVE_INFINITY)).isNull();
    assertThat(JsonNodeFactory.instance.objectNode().put("x", BenchResult.rounded(Double.NaN)))
        .hasToString("{\"x\":null}");
  }

  @Test
  void theTextNamesRateLatencyAndFailures() {
    String text =
        new BenchResult(
                "tls://h:1",
                false,
                103,
                10,
                false,
                "JDK",
                null,
                1_000_000_000L,
                stats(),
                null,
                false)
            .toText();
    assertThat(text)
        .contains("100 handshakes, 3 failures in 1.00 s against tls://h:1")
        .contains("handshakes/s   100.0")
        .contains("p50 50.")
        .contains("1 alert: handshake_failure; 2 timeout")
        .doesNotContain("server memory");
  }
}
