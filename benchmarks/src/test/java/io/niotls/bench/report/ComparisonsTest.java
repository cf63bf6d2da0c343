package io.niotls.bench.report;

import static io.niotls.bench.report.JmhJson.params;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ComparisonsTest {
  private static final String ENGINE = "io.niotls.bench.engine.";
  private static final String NETTY = "io.niotls.bench.netty.";
  private static final String LOOP = "io.niotls.bench.loop.";

  private static String text(String json) {
    return ResultsPage.text(Comparisons.sections(Result.readAll(json)), List.of());
  }

  private static String row(String text, String start) {
    return text.lines().filter(l -> l.startsWith(start)).findFirst().orElseThrow();
  }

  @Test
  void aNiotlsResultIsDividedByEachPeerResultWithTheSameAspectAndParameters() {
    String json =
        new JmhJson()
            .add(
                ENGINE + "TlsEngineHandshakeBenchmark.handshake",
                900,
                params("provider", "JDK", "protocol", "TLSv1.3"))
            .add(
                ENGINE + "RawSslEngineHandshakeBenchmark.handshake",
                1000,
                params("protocol", "TLSv1.3", "provider", "JDK"))
            .add(
                NETTY + "SslHandlerHandshakeBenchmark.handshake",
                600,
                params("provider", "JDK", "protocol", "TLSv1.3"))
            .add(
                ENGINE + "RawSslEngineHandshakeBenchmark.handshake",
                5,
                params("provider", "JDK", "protocol", "TLSv1.2"))
            .json();

    String text = text(json);

    assertThat(text).contains("TlsEngine / raw SSLEngine").contains("TlsEngine / Netty SslHandler");
    assertThat(row(text, "TLSv1.3")).contains("0.90").contains("1.50");
    assertThat(text.lines().filter(l -> l.startsWith("TLSv1.2") && l.contains("0.")))
        .as("no ratio without a niotls result")
        .isEmpty();
  }

  @Test
  void theSubjectMayBeAParameterWhenTheClassNameHasNone() {
    String json =
        new JmhJson()
            .add(
                LOOP + "LoopbackHandshakeBenchmark.connect",
                300,
                params("subject", "TlsServer", "concurrency", "10"))
            .add(
                LOOP + "LoopbackHandshakeBenchmark.connect",
                200,
                params("subject", "NettyServer", "concurrency", "10"))
            .json();

    List<Result> results = Result.readAll(json);

    assertThat(results).extracting(Result::subject).containsExactly("TlsServer", "NettyServer");
    assertThat(results.get(0).params()).doesNotContainKey("subject");
    assertThat(text(json)).contains("TlsServer / Netty server").contains("1.50");
  }

  @Test
  void loopbackServersArePairedWithBothOfTheirPeers() {
    JmhJson json = new JmhJson();
    for (int c : new int[] {1, 10, 100}) {
      json.add(
          LOOP + "TlsServerHandshakeBenchmark.handshake", 100.0 * c, params("concurrency", "" + c));
      json.add(
          LOOP + "NettyServerHandshakeBenchmark.handshake",
          80.0 * c,
          params("concurrency", "" + c));
      json.add(
          LOOP + "OpensslServerHandshakeBenchmark.handshake",
          50.0 * c,
          params("concurrency", "" + c));
    }

    String text = text(json.json());

    assertThat(text).contains("TlsServer / Netty server").contains("TlsServer / openssl s_server");
    assertThat(row(text, "100 ")).contains("1.25").contains("2.00");
  }

  @Test
  void interleavedResultsAreComparedTurnForTurnWithTheRangeOverIterations() {
    Map<String, double[]> counters = new LinkedHashMap<>();
    counters.put("tlsHandlerWallNs", new double[] {1e9, 1e9});
    counters.put("tlsHandlerOps", new double[] {1000, 1200});
    counters.put("tlsHandlerCpuNs", new double[] {9e8, 9e8});
    counters.put("tlsHandlerAllocBytes", new double[] {2e6, 2.4e6});
    counters.put("sslHandlerWallNs", new double[] {1e9, 1e9});
    counters.put("sslHandlerOps", new double[] {1000, 1000});
    counters.put("sslHandlerCpuNs", new double[] {1e9, 1e9});
    counters.put("sslHandlerAllocBytes", new double[] {1e6, 1e6});
    String json =
        new JmhJson()
            .add(
                "io.niotls.bench.PairedHandshakeBenchmark.handshakes",
                1,
                "\"NaN\"",
                "ops/s",
                params("provider", "OPENSSL", "protocol", "TLSv1.3"),
                counters)
            .add(
                "io.niotls.bench.PairedHandshakeBenchmark.handshakes",
                1,
                "\"NaN\"",
                "ops/s",
                params("provider", "JDK", "protocol", "TLSv1.3"),
                counters)
            .json();

    String text = text(json);

    assertThat(text).contains("interleaved").contains("TlsHandler / Netty SslHandler");
    // 2200 ops in 2 s against 2000 in 2 s; iterations 1.00 and 1.20; cpu 2200/1.8 vs 2000/2
    assertThat(row(text, "OPENSSL")).contains("1.10 (1.00–1.20)").contains("1.22");
    assertThat(text).contains("2,000 B").contains("1,000 B");
    assertThat(text).doesNotContain("TlsEngine /");
  }

  @Test
  void aSubjectWithoutTurnsInTheFirstResultStillGetsItsColumn() {
    // a smoke iteration of 100 ms can end before a subject had its turn in one result
    Map<String, double[]> none = new LinkedHashMap<>();
    none.put("tlsHandlerWallNs", new double[] {0});
    none.put("tlsHandlerOps", new double[] {0});
    none.put("sslHandlerWallNs", new double[] {1e9});
    none.put("sslHandlerOps", new double[] {1000});
    Map<String, double[]> both = new LinkedHashMap<>(none);
    both.put("tlsHandlerWallNs", new double[] {1e9});
    both.put("tlsHandlerOps", new double[] {1500});
    String json =
        new JmhJson()
            .add(
                "io.niotls.bench.PairedHandshakeBenchmark.handshakes",
                1,
                "\"NaN\"",
                "ops/s",
                params("provider", "JDK", "protocol", "TLSv1.3"),
                none)
            .add(
                "io.niotls.bench.PairedHandshakeBenchmark.handshakes",
                1,
                "\"NaN\"",
                "ops/s",
                params("provider", "OPENSSL", "protocol", "TLSv1.3"),
                both)
            .json();

    String text = text(json);

    assertThat(row(text, "JDK")).contains("–");
    assertThat(row(text, "OPENSSL")).contains("1.50");
  }

  @Test
  void medianTurnsDecideTheWallClockRatioWhenThereAreSome() {
    Map<String, double[]> counters = new LinkedHashMap<>();
    for (String s : List.of("tlsHandler", "sslHandler")) {
      counters.put(s + "Ops", new double[] {800, 800});
      counters.put(s + "Turns", new double[] {100, 100});
      counters.put(s + "CpuNs", new double[] {1e8, 1e8});
      counters.put(s + "AllocBytes", new double[] {0, 0});
    }
    // one preempted turn made the handler's sum twice as long; its median turn is what counts
    counters.put("tlsHandlerWallNs", new double[] {2e8, 1e8});
    counters.put("sslHandlerWallNs", new double[] {1e8, 1e8});
    counters.put("tlsHandlerMedianNs", new double[] {0.8e6, 0.8e6});
    counters.put("sslHandlerMedianNs", new double[] {1e6, 1e6});
    String json =
        new JmhJson()
            .add(
                "io.niotls.bench.PairedRecordBenchmark.records",
                1,
                "\"NaN\"",
                "ops/s",
                params("provider", "OPENSSL", "size", "16384"),
                counters)
            .json();

    assertThat(text(json)).contains("1.25 (1.25–1.25)");
  }

  @Test
  void aSizeParameterTurnsOperationsIntoMegabytesPerSecond() {
    String json =
        new JmhJson()
            .add(
                ENGINE + "TlsEngineRecordBenchmark.write",
                2000,
                params("size", "1000", "provider", "JDK"))
            .add(
                ENGINE + "RawSslEngineRecordBenchmark.write",
                4000,
                params("size", "1000", "provider", "JDK"))
            .add(
                ENGINE + "TlsEngineRecordBenchmark.write",
                3000,
                params("size", "1000", "provider", "OPENSSL"))
            .add(
                ENGINE + "RawSslEngineRecordBenchmark.write",
                3000,
                params("size", "1000", "provider", "OPENSSL"))
            .json();

    String text = text(json);

    assertThat(text).contains("MB/s");
    assertThat(row(text, "JDK ") + "").contains("0.50");
    assertThat(text.lines().filter(l -> l.startsWith("JDK")).toList())
        .anySatisfy(l -> assertThat(l).contains("2.00").contains("4.00"));
  }

  @Test
  void memoryPerSessionIsTheMedianOverIterationsAndLowerIsBetter() {
    Map<String, double[]> ours = new LinkedHashMap<>();
    ours.put("heapBytes", new double[] {4_000_000, 9_000_000, 4_100_000});
    ours.put("sessionsHeld", new double[] {1000, 1000, 1000});
    Map<String, double[]> theirs = new LinkedHashMap<>();
    theirs.put("heapBytes", new double[] {8_200_000, 8_000_000, 100_000});
    theirs.put("sessionsHeld", new double[] {1000, 1000, 1000});
    String json =
        new JmhJson()
            .add(
                NETTY + "TlsHandlerIdleSessionBenchmark.establish",
                900,
                "\"NaN\"",
                "ms/op",
                params("provider", "JDK", "sessions", "1000"),
                ours)
            .add(
                NETTY + "SslHandlerIdleSessionBenchmark.establish",
                500,
                "\"NaN\"",
                "ms/op",
                params("provider", "JDK", "sessions", "1000"),
                theirs)
            .json();

    String text = text(json);

    assertThat(text).contains("Memory per idle established session").contains("lower is better");
    assertThat(text).contains("4,100 B").contains("8,000 B").contains("0.51");
  }

  @Test
  void gcProfilerAllocationIsShownWithoutJmhsMiddleDot() {
    String json =
        new JmhJson()
            .add(
                ENGINE + "RawSslEngineHandshakeBenchmark.handshake",
                1,
                "\"NaN\"",
                "ops/s",
                params(),
                Map.of("\u00b7gc.alloc.rate.norm", new double[] {4096}))
            .json();

    Result result = Result.readAll(json).get(0);

    assertThat(result.secondary("gc.alloc.rate.norm")).isEqualTo(4096.0);
    assertThat(text(json))
        .contains("bytes allocated per operation (JMH -prof gc)")
        .contains("4,096 B");
  }

  @Test
  void resultsThatFollowNoConventionAreLeftOut() {
    String json = new JmhJson().add("org.example.SomethingElse.run", 1, params()).json();

    assertThat(Result.readAll(json)).isEmpty();
    assertThat(text(json))
        .contains("no results that follow the <Subject><Aspect>Benchmark convention");
  }

  @Test
  void subjectAndAspectComeFromTheClassName() {
    String json =
        new JmhJson().add(NETTY + "SslHandlerIdleSessionBenchmark.establish", 1, params()).json();

    assertThat(Result.readAll(json))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.subject()).isEqualTo("SslHandler");
              assertThat(r.aspect()).isEqualTo("IdleSession");
              assertThat(r.method()).isEqualTo("establish");
              assertThat(r.family()).isEqualTo("netty");
            });
  }

  @Test
  void malformedJsonSaysWhereItStopped() {
    assertThatThrownBy(() -> Result.readAll("[{\"benchmark\" : \"a.b.C.d\",\n  \"forks\" : 1,}]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("bad JSON at line 2, column 15: ");
  }

  @Test
  void aFileThatIsNoArrayOfResultsIsRefused() {
    assertThatThrownBy(() -> Result.readAll("{\"benchmark\" : \"a.b.C.d\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "not a JMH result file: JMH's -rf json writes an array of results, this is a JSON"
                + " OBJECT");
  }

  @Test
  void twoFilesRunTogetherAreRefused() {
    String one =
        new JmhJson().add(NETTY + "SslHandlerIdleSessionBenchmark.establish", 1, params()).json();
    assertThatThrownBy(() -> Result.readAll(one + "\n" + one))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad JSON at line ");
  }
}
