package io.niotls.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real JMH 1.37 result files ({@code -rf json}), read as the results page reads them: two short
 * runs of this project's benchmarks, the interleaved handshakes (JDK, TLS 1.3, full, EC P-256) and
 * the two engine record benchmarks with {@code -prof gc}. The files are JMH's text as it wrote
 * them, except its {@code jvm} field, an absolute path, shortened to {@code java}. The numbers the
 * page shows for them are those the page's earlier hand-written reader gave.
 */
class JmhResultFileTest {
  private static final Path RUN = resource("jmh-1.37");

  private static Path resource(String name) {
    try {
      return Path.of(JmhResultFileTest.class.getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Result> read(String file) throws IOException {
    return Result.readAll(Files.readString(RUN.resolve(file)));
  }

  @Test
  void aRecordResultKeepsItsNameParametersScoresAndRunFacts() throws IOException {
    List<Result> results = read("record.json");

    assertThat(results).extracting(Result::subject).containsExactly("RawSslEngine", "TlsEngine");
    Result tls = results.get(1);
    assertThat(tls.family()).isEqualTo("engine");
    assertThat(tls.aspect()).isEqualTo("Record");
    assertThat(tls.method()).isEqualTo("write");
    assertThat(tls.params())
        .containsExactly(
            entry("provider", "JDK"),
            entry("protocol", "TLSv1.3"),
            entry("cipher", "AES_GCM"),
            entry("size", "16384"));
    assertThat(tls.score()).isEqualTo(1972.2626332310529);
    assertThat(tls.error()).as("JMH writes \"NaN\", a string, after two iterations").isNaN();
    assertThat(tls.unit()).isEqualTo("ops/s");
    assertThat(tls.secondary("gc.alloc.rate.norm")).isEqualTo(5984.757385172479);
    assertThat(tls.iterations("cpuNanos")).containsExactly(1.3263299E8, 1.79483941E8);
    assertThat(tls.cpuNanosPerOp()).isEqualTo(3.12116931E8 / 806);
    assertThat(tls.run())
        .containsExactly(
            entry("jmhVersion", "1.37"),
            entry("jdkVersion", "17.0.15"),
            entry("vmName", "OpenJDK 64-Bit Server VM"),
            entry("vmVersion", "17.0.15+6-Debian-1deb12u1"),
            entry("jvmArgs", "[-Djmh.ignoreLock=true]"),
            entry("forks", "1"),
            entry("warmupIterations", "1"),
            entry("warmupTime", "200 ms"),
            entry("measurementIterations", "2"),
            entry("measurementTime", "200 ms"));
  }

  @Test
  void anInterleavedResultKeepsEveryCounterPerIteration() throws IOException {
    Result paired = read("paired.json").get(0);

    assertThat(paired.isPaired()).isTrue();
    assertThat(paired.family()).isEqualTo("bench");
    assertThat(paired.aspect()).isEqualTo("Handshake");
    assertThat(paired.params())
        .containsExactly(
            entry("provider", "JDK"),
            entry("protocol", "TLSv1.3"),
            entry("handshake", "full"),
            entry("key", "EC_P256"));
    assertThat(paired.secondary()).hasSize(24);
    assertThat(paired.secondary("tlsEngineWallNs")).isEqualTo(1.40334293E8);
    assertThat(paired.iterations("tlsEngineOps")).containsExactly(8.0, 7.0);
    assertThat(paired.iterations("sslHandlerMedianNs")).containsExactly(1.0307644E7, 1.2432551E7);
  }

  @Test
  void thePageShowsTheNumbersTheEarlierReaderGave(@TempDir Path dir) throws IOException {
    Path out = dir.resolve("out");
    ResultsPage.main(new String[] {"--out", out.toString(), RUN.toString()});

    assertThat(Files.readAllLines(out.resolve("HEADLINE.md")))
        .containsExactly(
            "- **Full handshakes in memory (EC P-256):** TlsEngine 1.03× raw SSLEngine; TlsEngine"
                + " 1.23× Netty SslHandler; TlsHandler 1.03× Netty SslHandler (interleaved, JDK)",
            "- **16 KiB record throughput in memory (AES-GCM):** TlsEngine 0.95× raw SSLEngine"
                + " (JDK)");
    assertThat(Files.readAllLines(out.resolve("README.md")))
        .contains(
            "| JVM | OpenJDK 64-Bit Server VM 17.0.15+6-Debian-1deb12u1 (Java 17.0.15) |",
            "| JMH | 1.37 |",
            "|  | 1.03 (1.03–1.03) | 0.99 | 1.23 (1.19–1.29) | 1.21 | 1.03 (0.99–1.09) | 1.03 |",
            "|  | 108 | 105 | 90.8 | 87.9 |",
            "|  | 425.6 KiB | 424.5 KiB | 441.0 KiB | 446.1 KiB |",
            "|  | 0.95 | 1.01 |",
            "|  | 32.3 | 34.0 |",
            "|  | 5,985 B | 5,989 B |");
  }
}
