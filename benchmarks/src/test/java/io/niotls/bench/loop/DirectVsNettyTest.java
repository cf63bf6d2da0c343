package io.niotls.bench.loop;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How the two loopback readings become issue 13's ratios, and the verdict on each target. */
class DirectVsNettyTest {
  private static IdleMemoryRow row(String server, double heap, double nativeBytes) {
    return new IdleMemoryRow(server, "BORINGSSL", 10_000, heap, nativeBytes, 0, 0, 0);
  }

  @Test
  void memoryIsHeapPlusNativeAndCpuIsHandshakesPerServerCpuSecond() {
    String table =
        DirectVsNetty.summary(
            row("niotls", 1_000, 3_000),
            row("netty", 3_000, 7_000),
            new LoopCounters.Sums(10_000, 2_000_000_000L, 1_000_000_000L, 0, 0, 0),
            new LoopCounters.Sums(9_000, 2_000_000_000L, 1_350_000_000L, 0, 0, 0),
            64);

    assertThat(table)
        .contains("| 4,000 B (heap 1,000 B) | 10,000 B (heap 3,000 B) | 0.40 | ≤ 0.60 met |")
        .as("100 µs against 150 µs of server CPU per handshake")
        .contains("| 100.0 µs | 150.0 µs | 1.50 | ≥ 1.15 met |")
        .contains("| 5,000 | 4,500 | 1.11 |");
  }

  @Test
  void aMissedTargetSaysSo() {
    String table =
        DirectVsNetty.summary(
            row("niotls", 2_000, 5_000),
            row("netty", 3_000, 7_000),
            new LoopCounters.Sums(10_000, 2_000_000_000L, 1_000_000_000L, 0, 0, 0),
            new LoopCounters.Sums(10_000, 2_000_000_000L, 1_050_000_000L, 0, 0, 0),
            64);

    assertThat(table).contains("| 0.70 | ≤ 0.60 MISSED |").contains("| 1.05 | ≥ 1.15 MISSED |");
  }
}
