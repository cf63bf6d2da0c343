package io.niotls.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RatiosTest {
  private static final String PREFIX = "io.niotls.bench.engine.";

  private static String result(
      String type, String params, String score, String error, String secondary) {
    return """
        {
          "jmhVersion" : "1.37",
          "benchmark" : "%s%s.handshake",
          "mode" : "thrpt",
          "params" : { %s },
          "primaryMetric" : {
            "score" : %s,
            "scoreError" : %s,
            "scoreConfidence" : [ 1.0, 2.0 ],
            "scoreUnit" : "ops/s",
            "rawData" : [ [ 1.0e2, 2.5E-1 ] ]
          },
          "secondaryMetrics" : { %s }
        }"""
        .formatted(PREFIX, type, params, score, error, secondary);
  }

  private static String result(String type, String params, String score, String error) {
    return result(type, params, score, error, "");
  }

  private static String metric(String name, double score) {
    return "\"%s\" : { \"score\" : %s, \"scoreUnit\" : \"#\" }".formatted(name, score);
  }

  @Test
  void eachNiotlsResultIsDividedByTheRawResultWithTheSameParameters() {
    String json =
        "["
            + result(
                "TlsEngineHandshakeBenchmark",
                "\"provider\" : \"JDK\", \"protocol\" : \"TLSv1.3\"",
                "900.0",
                "10.0")
            + ","
            + result(
                "RawSslEngineHandshakeBenchmark",
                "\"protocol\" : \"TLSv1.3\", \"provider\" : \"JDK\"",
                "1000.0",
                "\"NaN\"")
            + ","
            + result(
                "RawSslEngineHandshakeBenchmark",
                "\"provider\" : \"JDK\", \"protocol\" : \"TLSv1.2\"",
                "5.0",
                "1.0")
            + "]";

    String table = Ratios.table(json);

    assertThat(table).contains("Handshake.handshake (ops/s)").contains("niotls/raw");
    assertThat(table.lines().filter(line -> line.startsWith("JDK TLSv1.3")))
        .singleElement()
        .asString()
        .contains("900.0 ± 10.0")
        .contains("1000.0")
        .contains("0.900");
    assertThat(table).doesNotContain("TLSv1.2");
  }

  @Test
  void theSizeParameterAddsMegabytesPerSecond() {
    String json =
        "["
            + result("TlsEngineRecordBenchmark", "\"size\" : \"1000\"", "2000", "0")
            + ","
            + result("RawSslEngineRecordBenchmark", "\"size\" : \"1000\"", "4000", "0")
            + "]";

    String row = Ratios.table(json).lines().filter(l -> l.startsWith("1000")).findFirst().get();

    assertThat(row).contains("0.500 ± 0.000").contains("2.0").contains("4.0");
  }

  @Test
  void cpuRatioIsPeerCpuTimePerOperationOverOurs() {
    String json =
        "["
            + result("TlsEngineHandshakeBenchmark", "", "1", "0", cpu(20_000, 10))
            + ","
            + result("RawSslEngineHandshakeBenchmark", "", "1", "0", cpu(30_000, 20))
            + "]";

    String row = Ratios.table(json).lines().filter(l -> l.contains("cpu")).findFirst().get();
    String values = Ratios.table(json).lines().reduce((a, b) -> b).get();

    assertThat(row).contains("niotls cpu us").contains("raw cpu us").contains("cpu ratio");
    assertThat(values).contains("2.0").contains("1.5").contains("0.750");
  }

  private static String cpu(double nanos, double ops) {
    return metric("cpuNanos", nanos) + ", " + metric("cpuOps", ops);
  }

  @Test
  void pairedResultsGetTheirOwnTableOfPerOperationTimes() {
    String clocks =
        String.join(
            ", ",
            metric("niotlsNanos", 4_000_000),
            metric("peerNanos", 3_000_000),
            metric("niotlsCpuNanos", 2_000_000),
            metric("peerCpuNanos", 1_800_000),
            metric("pairs", 1000));
    String json =
        "[" + result("PairedHandshakeBenchmark", "\"provider\" : \"JDK\"", "1", "0", clocks) + "]";

    String table = Ratios.table(json);

    assertThat(table).contains("Paired Handshake.handshake (us/op)");
    assertThat(table.lines().filter(l -> l.startsWith("JDK")))
        .singleElement()
        .asString()
        .contains("4.0")
        .contains("3.0")
        .contains("0.750")
        .contains("2.0")
        .contains("1.8")
        .contains("0.900");
  }

  @Test
  void gcProfilerAllocationIsShownWithoutJmhsMiddleDot() {
    String alloc = metric("\u00b7gc.alloc.rate.norm", 4096);
    String json = "[" + result("RawSslEngineHandshakeBenchmark", "", "1", "0", alloc) + "]";

    Result result = Result.readAll(json, List.of("RawSslEngine")).get(0);

    assertThat(result.secondary("gc.alloc.rate.norm")).isEqualTo(4096.0);
  }

  @Test
  void resultsWithoutAPeerAreReportedAsMissing() {
    String json = "[" + result("TlsEngineHandshakeBenchmark", "", "1", "0") + "]";

    assertThat(Ratios.table(json)).isEqualTo("no niotls result with a matching peer result\n");
  }

  @Test
  void subjectAndAspectComeFromTheClassName() {
    String json = "[" + result("RawSslEngineHandshakeBenchmark", "", "1", "0") + "]";

    List<Result> results = Result.readAll(json, List.of("TlsEngine", "RawSslEngine"));

    assertThat(results)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.subject()).isEqualTo("RawSslEngine");
              assertThat(r.aspect()).isEqualTo("Handshake");
              assertThat(r.method()).isEqualTo("handshake");
            });
  }

  @Test
  void malformedJsonSaysWhereItStopped() {
    assertThatThrownBy(() -> Json.parse("[{\"a\" : 1,}]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("offset 10: expected a quoted key");
  }
}
