package io.niotls.bench.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The h2load comparison really serves h2 from both servers and writes a page with its ratios. */
class H2loadBenchTest {
  @TempDir Path dir;

  @Test
  void aShortRunAnswersEveryRequestFromBothServersAndWritesOneRowPerRound() throws Exception {
    Path page = dir.resolve("H2LOAD.md");
    H2loadBench.main(
        new String[] {
          "--rounds",
          "2",
          "--requests",
          "400",
          "--warmup",
          "100",
          "--clients",
          "4",
          "--out",
          page.toString()
        });
    String text = Files.readString(page);
    assertThat(text).contains("`h2load -n 400 -c 4 -m 10`");
    assertThat(text.lines().filter(l -> l.matches("\\| [12] \\| \\d+ \\| \\d+ \\| .*"))).hasSize(2);
    assertThat(text).containsPattern("Median: niotls / Netty \\d+\\.\\d\\d× requests/s");
  }
}
