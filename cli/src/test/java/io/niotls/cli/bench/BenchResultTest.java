package io.niotls.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.cli.MiniJson;
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

  @Test
  void theJsonHasTheFieldsScriptsRelyOn() {
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
            stats(),
            new ServerMemory(10, 10 * 40_000L, 50_000_000L, 1_000_000L),
            false);
    Map<String, Object> json = MiniJson.object(result.toJson());
    assertThat(json)
        .containsEntry("handshakes", 100.0)
        .containsEntry("failures", 3.0)
        .containsEntry("handshakesPerSecond", 50.0)
        .containsEntry("provider", "OPENSSL")
        .containsEntry("protocol", "TLSv1.3")
        .containsEntry("resume", true)
        .containsEntry("resumed", 50.0);
    @SuppressWarnings("unchecked")
    Map<String, Object> latency = (Map<String, Object>) json.get("latencyMs");
    assertThat(latency).containsKeys("p50", "p90", "p99", "max");
    @SuppressWarnings("unchecked")
    Map<String, Object> memory = (Map<String, Object>) json.get("serverMemory");
    assertThat(memory).containsEntry("bufferBytesPerConnection", 40_000.0);
    assertThat(result.toJson()).doesNotContain("\n");
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
