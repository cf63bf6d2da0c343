package io.niotls.bench.sni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the JMH JSON of the interleaved SNI benchmarks ({@link SniClock}'s counters) and prints a
 * Markdown table: per configuration, the median handshake against each server (CPU time) and the
 * paired ratios many / one (whole handshake by CPU time and by the wall clock, and the server's
 * side by the wall clock), each as the mean of the iterations' ratios with a 95% confidence
 * interval (Student's t over the iterations), judged against the bar of 1.05 by the CPU
 * ratio: met when its interval's upper end is at most 1.05.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.niotls.bench.sni.SniRatios RESULT.json...</pre>
 */
public final class SniRatios {
  static final double BAR = 1.05;

  private SniRatios() {}

  public static void main(String[] args) throws IOException {
    if (args.length == 0) {
      System.err.println("usage: SniRatios JMH-RESULT.json... (from -rf json -rff FILE)");
      System.exit(2);
    }
    System.out.println(
        "| benchmark | params | 1 name: median CPU | many names: median CPU | many / one, CPU"
            + " (95% CI) | wall clock | server side, wall clock | iterations | ≤ 1.05 |");
    System.out.println("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
    for (String file : args) {
      for (JsonNode result : new ObjectMapper().readTree(Files.readString(Path.of(file)))) {
        JsonNode secondary = result.path("secondaryMetrics");
        if (!secondary.has("ratioPpm")) {
          continue;
        }
        String name = result.path("benchmark").asText();
        Interval whole = Interval.of(iterations(secondary, "ratioPpm"), 1e-6);
        Interval wall = Interval.of(iterations(secondary, "wallRatioPpm"), 1e-6);
        Interval server = Interval.of(iterations(secondary, "serverRatioPpm"), 1e-6);
        Interval one = Interval.of(iterations(secondary, "oneCpuMedianNs"), 1e-3);
        Interval many = Interval.of(iterations(secondary, "manyCpuMedianNs"), 1e-3);
        System.out.printf(
            Locale.ROOT,
            "| %s | %s | %.0f µs | %.0f µs | %s | %s | %s | %d | %s |%n",
            name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1),
            params(result.path("params")),
            one.mean,
            many.mean,
            whole,
            wall,
            server,
            whole.n,
            whole.high() <= BAR ? "met" : "NOT met");
      }
    }
  }

  private static String params(JsonNode params) {
    List<String> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = params.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      out.add(p.getKey() + "=" + p.getValue().asText());
    }
    return String.join(" ", out);
  }

  /** The metric's value in every measurement iteration of every fork. */
  private static List<Double> iterations(JsonNode secondary, String metric) {
    List<Double> values = new ArrayList<>();
    for (JsonNode fork : secondary.path(metric).path("rawData")) {
      for (JsonNode v : fork) {
        values.add(v.asDouble());
      }
    }
    return values;
  }

  /** A mean and its 95% confidence half-width over n samples. */
  record Interval(double mean, double halfWidth, int n) {
    static Interval of(List<Double> samples, double scale) {
      int n = samples.size();
      double mean = samples.stream().mapToDouble(d -> d * scale).average().orElse(Double.NaN);
      if (n < 2) {
        return new Interval(mean, Double.NaN, n);
      }
      double ss = 0;
      for (double d : samples) {
        ss += (d * scale - mean) * (d * scale - mean);
      }
      double sd = Math.sqrt(ss / (n - 1));
      return new Interval(mean, t95(n - 1) * sd / Math.sqrt(n), n);
    }

    double high() {
      return Double.isNaN(halfWidth) ? Double.POSITIVE_INFINITY : mean + halfWidth;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT, "%.3f (%.3f–%.3f)", mean, mean - halfWidth, mean + halfWidth);
    }

    /** Student's t, two-sided 95%, for {@code df} degrees of freedom (1.96 from 30 on). */
    static double t95(int df) {
      double[] table = {
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045
      };
      return df <= table.length ? table[df - 1] : 1.96;
    }
  }
}
