package io.niotls.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One JMH result, named by the convention {@code <Subject><Aspect>Benchmark.method}: subject is
 * what is measured ({@code TlsEngine}, {@code RawSslEngine}), aspect what about it ({@code
 * Handshake}, {@code Record}).
 *
 * @param params the benchmark's @Param values: provider, protocol, then the rest by name
 * @param error the 99.9% confidence half-width, NaN when JMH had too few iterations to say
 * @param secondary secondary scores by name, such as {@code cpuNanos} and {@code cpuOps} (from
 *     {@code CpuTime}, summed over the iterations) and {@code gc.alloc.rate.norm} (from {@code
 *     -prof gc}, without JMH's leading middle dot)
 */
record Result(
    String subject,
    String aspect,
    String method,
    Map<String, String> params,
    double score,
    double error,
    String unit,
    Map<String, Double> secondary) {

  /** Parameters shown first, in this order; the rest follow by name. */
  private static final List<String> FIRST_PARAMS = List.of("provider", "protocol");

  /** Every result whose class name follows the convention for one of {@code subjects}. */
  static List<Result> readAll(String json, List<String> subjects) {
    List<Result> results = new ArrayList<>();
    for (Object entry : (List<?>) Json.parse(json)) {
      Result result = of((Map<?, ?>) entry, subjects);
      if (result != null) {
        results.add(result);
      }
    }
    return results;
  }

  private static Result of(Map<?, ?> entry, List<String> subjects) {
    String benchmark = (String) entry.get("benchmark");
    int dot = benchmark.lastIndexOf('.');
    String type = benchmark.substring(benchmark.lastIndexOf('.', dot - 1) + 1, dot);
    String method = benchmark.substring(dot + 1);
    if (!type.endsWith("Benchmark")) {
      return null;
    }
    String subject = null;
    for (String candidate : subjects) {
      if (type.startsWith(candidate)
          && (subject == null || candidate.length() > subject.length())) {
        subject = candidate;
      }
    }
    if (subject == null) {
      return null;
    }
    String aspect = type.substring(subject.length(), type.length() - "Benchmark".length());
    Map<String, String> sorted = new TreeMap<>();
    if (entry.get("params") instanceof Map<?, ?> map) {
      map.forEach((k, v) -> sorted.put((String) k, String.valueOf(v)));
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (String first : FIRST_PARAMS) {
      if (sorted.containsKey(first)) {
        params.put(first, sorted.remove(first));
      }
    }
    params.putAll(sorted);
    Map<?, ?> primary = (Map<?, ?>) entry.get("primaryMetric");
    Map<String, Double> secondary = new LinkedHashMap<>();
    if (entry.get("secondaryMetrics") instanceof Map<?, ?> metrics) {
      for (Map.Entry<?, ?> metric : metrics.entrySet()) {
        if (metric.getValue() instanceof Map<?, ?> value) {
          // JMH names profiler metrics "·gc.alloc.rate.norm", with a middle dot
          String name = metric.getKey().toString().replace("\u00b7", "");
          secondary.put(name, number(value.get("score")));
        }
      }
    }
    return new Result(
        subject,
        aspect,
        method,
        params,
        number(primary.get("score")),
        number(primary.get("scoreError")),
        (String) primary.get("scoreUnit"),
        secondary);
  }

  /** JMH writes "NaN" as a string. */
  private static double number(Object value) {
    if (value instanceof Double d) {
      return d;
    }
    return value == null ? Double.NaN : Double.parseDouble(value.toString());
  }

  /** A secondary score, NaN when the run did not produce it. */
  double secondary(String name) {
    return secondary.getOrDefault(name, Double.NaN);
  }

  /** CPU nanoseconds of the benchmark thread per operation, NaN without {@code CpuTime}. */
  double cpuNanosPerOp() {
    return secondary("cpuNanos") / secondary("cpuOps");
  }

  /** What must match for two results to be compared: aspect, method and every parameter. */
  String key() {
    return aspect + "." + method + params;
  }
}
