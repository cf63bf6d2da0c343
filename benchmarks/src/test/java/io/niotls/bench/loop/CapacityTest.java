package io.niotls.bench.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How the capacity run's shards become one figure per session. */
class CapacityTest {
  @Test
  void shardsAreWeightedByTheirSessions() {
    IdleMemoryRow big = new IdleMemoryRow("niotls", "OPENSSL", 3000, 2000, 5000, 10, 0, 7000);
    IdleMemoryRow small = new IdleMemoryRow("niotls", "OPENSSL", 1000, 1000, 1000, 50, 0, 3000);

    IdleMemoryRow all = Capacity.sum(List.of(big, small));

    assertThat(all.sessions()).isEqualTo(4000);
    assertThat(all.heap()).as("(3000 * 2000 + 1000 * 1000) / 4000").isEqualTo(1750);
    assertThat(all.nativeBytes()).as("(3000 * 5000 + 1000 * 1000) / 4000").isEqualTo(4000);
    assertThat(all.jvm()).isEqualTo(20);
    assertThat(all.rss()).isEqualTo(6000);
    assertThat(all.server()).isEqualTo("niotls");
  }
}
