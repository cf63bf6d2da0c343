package io.niotls.bench.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the loopback tables from JMH JSON result files: for each configuration of the interleaved
 * loopback benchmarks, each server's full handshakes per second, its CPU time per handshake (and
 * the client's), connect-to-open and close times, and the niotls / Netty and niotls / openssl
 * ratios, by wall clock and by server CPU time, with the range of the per-iteration wall ratios.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.niotls.bench.loop.LoopReport result.json...
 * </pre>
 */
public final class LoopReport {
  private static final String[] SUBJECTS = {"TlsServer", "NettyServer", "OpensslServer"};
  private static final String[] SHORT = {"niotls", "netty", "openssl"};

  private static final ObjectMapper JSON = new ObjectMapper();

  private LoopReport() {}

  public static void main(String[] args) throws IOException {
    for (String file : args) {
      System.out.print(report(Files.readString(Path.of(file))));
    }
  }

  /** The tables for one JMH result file ({@code -rf json}); bad JSON is an IOException. */
  static String report(String json) throws IOException {
    JsonNode results = JSON.readTree(json);
    if (!results.isArray()) {
      throw new IOException("not a JMH result file (-rf json): no array of results");
    }
    StringBuilder out = new StringBuilder();
    for (JsonNode entry : results) {
      String benchmark = entry.path("benchmark").asText();
      if (!benchmark.contains(".loop.Paired")) {
        continue;
      }
      JsonNode metrics = entry.path("secondaryMetrics");
      Map<String, String> params = new LinkedHashMap<>();
      entry.path("params").properties().forEach(p -> params.put(p.getKey(), p.getValue().asText()));
      out.append(benchmark.substring(benchmark.lastIndexOf(".loop.") + 6))
          .append(' ')
          .append(params)
          .append('\n');
      double[] rate = new double[SUBJECTS.length];
      double[] cpu = new double[SUBJECTS.length];
      List<List<Double>> perIteration = new ArrayList<>();
      for (int i = 0; i < SUBJECTS.length; i++) {
        String p = Character.toLowerCase(SUBJECTS[i].charAt(0)) + SUBJECTS[i].substring(1);
        double ops = score(metrics, p + "Ops");
        perIteration.add(rates(metrics, p));
        if (!(ops > 0)) {
          rate[i] = cpu[i] = Double.NaN;
          continue;
        }
        rate[i] = ops / score(metrics, p + "WallNs") * 1e9;
        cpu[i] = score(metrics, p + "CpuNs") / ops;
        out.append(
            String.format(
                Locale.ROOT,
                "  %-8s %8.0f handshakes/s  server %7.1f us cpu/handshake  client %6.1f us"
                    + "  handshake %7.2f ms  close %7.2f ms  (%.0f connections)%n",
                SHORT[i],
                rate[i],
                cpu[i] / 1e3,
                score(metrics, p + "ClientCpuNs") / ops / 1e3,
                score(metrics, p + "HandshakeNs") / ops / 1e6,
                score(metrics, p + "CloseNs") / ops / 1e6,
                ops));
      }
      for (int peer = 1; peer < SUBJECTS.length; peer++) {
        if (Double.isNaN(rate[0]) || Double.isNaN(rate[peer])) {
          continue;
        }
        out.append(
            String.format(
                Locale.ROOT,
                "  niotls/%-7s wall %.3f%s  server cpu %.3f%n",
                SHORT[peer],
                rate[0] / rate[peer],
                range(perIteration.get(0), perIteration.get(peer)),
                cpu[peer] / cpu[0]));
      }
    }
    return out.toString();
  }

  /** " (lo-hi)" of the per-iteration wall ratios, "" with fewer than two. */
  private static String range(List<Double> ours, List<Double> theirs) {
    int n = Math.min(ours.size(), theirs.size());
    if (n < 2) {
      return "";
    }
    double lo = Double.MAX_VALUE;
    double hi = -Double.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      double q = ours.get(i) / theirs.get(i);
      lo = Math.min(lo, q);
      hi = Math.max(hi, q);
    }
    return String.format(Locale.ROOT, " (%.3f-%.3f)", lo, hi);
  }

  private static double score(JsonNode metrics, String name) {
    return number(metrics.path(name).path("score"));
  }

  /** Handshakes per second in each measurement iteration (JMH's rawData, all forks). */
  private static List<Double> rates(JsonNode metrics, String p) {
    List<Double> ops = raw(metrics, p + "Ops");
    List<Double> wall = raw(metrics, p + "WallNs");
    List<Double> rates = new ArrayList<>();
    for (int i = 0; i < Math.min(ops.size(), wall.size()); i++) {
      rates.add(ops.get(i) / wall.get(i) * 1e9);
    }
    return rates;
  }

  private static List<Double> raw(JsonNode metrics, String name) {
    List<Double> values = new ArrayList<>();
    for (JsonNode fork : metrics.path(name).path("rawData")) {
      for (JsonNode v : fork) {
        values.add(number(v));
      }
    }
    return values;
  }

  /** JMH writes a number, or "NaN" as a string; NaN when absent. */
  private static double number(JsonNode v) {
    if (v.isMissingNode() || v.isNull()) {
      return Double.NaN;
    }
    return v.isNumber() ? v.doubleValue() : Double.parseDouble(v.asText());
  }
}
