package io.niotls.bench.loop;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How a pair of server readings becomes bytes per idle session. */
class IdleMemoryRowTest {
  private static MemoryReading reading(
      int sessions, long heap, long rss, long jvmCommitted, long malloc, long jvmMalloc) {
    return new MemoryReading(sessions, heap, rss, 0, 0, -1, jvmCommitted, malloc, jvmMalloc);
  }

  @Test
  void nativeMemoryIsMallocGrowthLessTheJvmsOwn() {
    IdleMemoryRow row =
        IdleMemoryRow.of(
            "niotls",
            "OPENSSL",
            1000,
            reading(0, 10_000_000, 50_000_000, 30_000_000, 8_000_000, 3_000_000),
            reading(1000, 12_000_000, 58_000_000, 31_000_000, 13_500_000, 3_500_000));
    assertThat(row.heap()).isEqualTo(2000);
    assertThat(row.nativeBytes()).as("(5.5 MB - 0.5 MB) / 1000").isEqualTo(5000);
    assertThat(row.jvm()).isEqualTo(1000);
    assertThat(row.rss()).isEqualTo(8000);
  }

  @Test
  void withoutMallocCountsNativeMemoryIsResidentGrowthLessTheJvmsCommitted() {
    IdleMemoryRow row =
        IdleMemoryRow.of(
            "netty",
            "OPENSSL",
            1000,
            reading(0, 10_000_000, 50_000_000, 30_000_000, -1, -1),
            reading(1000, 13_000_000, 58_000_000, 31_000_000, -1, -1));
    assertThat(row.nativeBytes()).as("(8 MB - 1 MB) / 1000").isEqualTo(7000);
  }
}
