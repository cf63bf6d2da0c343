package io.niotls.bench.report;

import static io.niotls.bench.report.JmhJson.params;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsPageTest {
  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G'};

  /** A run directory with interleaved handshakes and a loopback scaling curve, as run.sh leaves. */
  private static Path run(Path dir) throws IOException {
    JmhJson json = new JmhJson();
    for (String provider : List.of("JDK", "OPENSSL")) {
      for (String handshake : List.of("full", "resumed")) {
        Map<String, double[]> counters = new LinkedHashMap<>();
        for (String s : List.of("tlsEngine", "rawSslEngine", "tlsHandler", "sslHandler")) {
          counters.put(s + "WallNs", new double[] {1e9, 1e9});
          counters.put(s + "CpuNs", new double[] {1e9, 1e9});
          counters.put(s + "AllocBytes", new double[] {1e6, 1e6});
          counters.put(s + "Ops", new double[] {s.startsWith("tls") ? 1100 : 1000, 1000});
        }
        json.add(
            "io.niotls.bench.PairedHandshakeBenchmark.handshakes",
            1,
            "\"NaN\"",
            "ops/s",
            params("provider", provider, "protocol", "TLSv1.3", "handshake", handshake),
            counters);
      }
    }
    for (int c : new int[] {1, 10, 100, 1000}) {
      Map<String, double[]> loop = new LinkedHashMap<>();
      loop.put("tlsServerOps", new double[] {100.0 * c});
      loop.put("tlsServerWallNs", new double[] {1e9});
      loop.put("tlsServerCpuNs", new double[] {5e8});
      loop.put("nettyServerOps", new double[] {90.0 * c});
      loop.put("nettyServerWallNs", new double[] {1e9});
      loop.put("nettyServerCpuNs", new double[] {5e8});
      json.add(
          "io.niotls.bench.loop.PairedScalingBenchmark.rounds",
          1,
          "\"NaN\"",
          "ops/s",
          params("provider", "OPENSSL", "concurrency", "" + c, "loops", "1"),
          loop);
    }
    json.add(
        "io.niotls.bench.engine.TlsEngineRecordBenchmark.write",
        2000,
        params("provider", "JDK", "size", "16384"));
    json.add(
        "io.niotls.bench.engine.RawSslEngineRecordBenchmark.write",
        2000,
        params("provider", "JDK", "size", "16384"));
    Path run = Files.createDirectories(dir.resolve("run"));
    Files.writeString(run.resolve("paired.json"), json.json());
    Files.writeString(
        run.resolve("run.properties"),
        "mode=quick\ncommand=benchmarks/run.sh quick\ncommit=abc1234\nload.before=5.0 4.0 3.0\n"
            + "commands=java -jar benchmarks.jar '\\\\.Paired' -f 1\n");
    return run;
  }

  @Test
  void thePageNamesTheMachineTheVersionsAndTheCommand(@TempDir Path dir) throws IOException {
    Path out = dir.resolve("out");
    ResultsPage.main(new String[] {"--out", out.toString(), run(dir).toString()});

    String page = Files.readString(out.resolve("README.md"));

    assertThat(page).contains("| CPU | " + Machine.cpuModel() + " |");
    assertThat(page)
        .contains("| Netty | 4.1.139.Final |")
        .contains("| netty-tcnative | 2.0.84.Final");
    assertThat(page)
        .contains("OpenJDK 64-Bit Server VM 17.0.15+6")
        .contains("| niotls commit | abc1234 |");
    assertThat(page).contains("benchmarks/run.sh quick").contains("'\\.Paired'");
    assertThat(page)
        .contains("## Handshakes in memory")
        .contains("## Scaling over loopback")
        .contains("## Record throughput in memory")
        .doesNotContain("## Memory");
  }

  @Test
  void thePageLinksEveryResultsPageKeptBesideIt(@TempDir Path dir) throws IOException {
    Path out = dir.resolve("out");
    ResultsPage.main(new String[] {"--out", out.toString(), run(dir).toString()});

    String page = Files.readString(out.resolve("README.md"));

    // every hand-kept page of benchmarks/results is linked, and every link names a page that is
    // there: the page is re-rendered by each run, so a link kept by hand would be lost
    Path results = Path.of("results").toAbsolutePath();
    List<String> kept;
    try (var files = Files.list(results)) {
      kept =
          files
              .map(p -> p.getFileName().toString())
              .filter(name -> name.endsWith(".md"))
              .filter(name -> !name.equals("README.md") && !name.equals("HEADLINE.md"))
              .sorted()
              .toList();
    }
    assertThat(kept).isNotEmpty();
    for (String name : kept) {
      assertThat(page).contains("- [" + name + "](" + name + "): ");
    }
    java.util.regex.Matcher links =
        java.util.regex.Pattern.compile(
                "^- \\[([A-Z0-9]+\\.md)\\]", java.util.regex.Pattern.MULTILINE)
            .matcher(page);
    while (links.find()) {
      assertThat(results.resolve(links.group(1))).exists();
    }
  }

  @Test
  void everyChartIsAPngThePageShows(@TempDir Path dir) throws IOException {
    Path out = dir.resolve("out");
    ResultsPage.main(new String[] {"--out", out.toString(), run(dir).toString()});

    String page = Files.readString(out.resolve("README.md"));
    List<Path> charts;
    try (var files = Files.list(out)) {
      charts = files.filter(f -> f.toString().endsWith(".png")).sorted().toList();
    }

    assertThat(charts)
        .extracting(p -> p.getFileName().toString())
        .containsExactly(
            "handshake-full-jdk.png",
            "handshake-full-openssl.png",
            "handshake-resumed-jdk.png",
            "handshake-resumed-openssl.png",
            "record-16384-jdk.png",
            "scaling-loop-scaling-concurrency.png");
    for (Path chart : charts) {
      byte[] head = new byte[4];
      System.arraycopy(Files.readAllBytes(chart), 0, head, 0, 4);
      assertThat(head).isEqualTo(PNG);
      assertThat(page).contains("](" + chart.getFileName() + ")");
    }
  }

  @Test
  void theHeadlineGivesTheRangeOfEachComparison(@TempDir Path dir) throws IOException {
    Path out = dir.resolve("out");
    ResultsPage.main(new String[] {"--out", out.toString(), run(dir).toString()});

    List<String> headline = Files.readAllLines(out.resolve("HEADLINE.md"));

    assertThat(headline).hasSizeBetween(3, 6);
    assertThat(headline.get(0))
        .startsWith("- **Full handshakes in memory (EC P-256):**")
        .contains("TlsHandler 1.05× Netty SslHandler")
        .contains("interleaved");
    assertThat(headline)
        .anySatisfy(l -> assertThat(l).contains("TlsServer 1.11× Netty server"))
        .anySatisfy(l -> assertThat(l).contains("TlsEngine 1.00× raw SSLEngine"));
  }
}
