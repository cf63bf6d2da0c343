package io.niotls.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One JMH result, named by the convention {@code <Subject><Aspect>Benchmark.method}: subject is
 * what is measured ({@code TlsEngine}, {@code SslHandler}, ...), aspect what about it ({@code
 * Handshake}, {@code Record}, {@code IdleSession}). A class whose name starts with no known subject
 * may carry its subject in a {@code subject} parameter instead.
 *
 * @param family the last package segment ({@code engine}, {@code netty}, {@code loop}, ...)
 * @param params the @Param values except {@code subject}: provider and protocol first, the rest by
 *     name
 * @param error the 99.9% confidence half-width, NaN when JMH had too few iterations to say
 * @param secondary secondary scores by name ({@code cpuNanos}, {@code gc.alloc.rate.norm} without
 *     JMH's leading middle dot, the interleaved counters, ...)
 * @param secondaryIterations each secondary score per measurement iteration, all forks in a row
 * @param run facts about the run: jdkVersion, vmName, vmVersion, jvmArgs, forks, iterations
 */
record Result(
    String family,
    String subject,
    String aspect,
    String method,
    Map<String, String> params,
    double score,
    double error,
    String unit,
    Map<String, Double> secondary,
    Map<String, List<Double>> secondaryIterations,
    Map<String, String> run) {

  /** Parameters shown first, in this order; the rest follow by name. */
  private static final List<String> FIRST_PARAMS = List.of("provider", "protocol");

  /** Every result whose class follows the naming convention. */
  static List<Result> readAll(String json) {
    List<Result> results = new ArrayList<>();
    for (Object entry : (List<?>) Json.parse(json)) {
      Result result = of((Map<?, ?>) entry);
      if (result != null) {
        results.add(result);
      }
    }
    return results;
  }

  private static Result of(Map<?, ?> entry) {
    String benchmark = (String) entry.get("benchmark");
    int dot = benchmark.lastIndexOf('.');
    int typeStart = benchmark.lastIndexOf('.', dot - 1);
    String type = benchmark.substring(typeStart + 1, dot);
    String pkg = typeStart < 0 ? "" : benchmark.substring(0, typeStart);
    String family = pkg.substring(pkg.lastIndexOf('.') + 1);
    String method = benchmark.substring(dot + 1);
    if (!type.endsWith("Benchmark")) {
      return null;
    }
    String name = type.substring(0, type.length() - "Benchmark".length());
    Map<String, String> sorted = new TreeMap<>();
    if (entry.get("params") instanceof Map<?, ?> map) {
      map.forEach((k, v) -> sorted.put((String) k, String.valueOf(v)));
    }
    String subject = null;
    for (String candidate : Subjects.prefixes()) {
      if (name.startsWith(candidate)
          && (subject == null || candidate.length() > subject.length())) {
        subject = candidate;
      }
    }
    String aspect;
    if (subject != null) {
      aspect = name.substring(subject.length());
    } else if (sorted.containsKey("subject")) {
      subject = sorted.get("subject");
      aspect = name;
    } else {
      return null;
    }
    sorted.remove("subject");
    Map<String, String> params = new LinkedHashMap<>();
    for (String first : FIRST_PARAMS) {
      if (sorted.containsKey(first)) {
        params.put(first, sorted.remove(first));
      }
    }
    params.putAll(sorted);
    Map<?, ?> primary = (Map<?, ?>) entry.get("primaryMetric");
    Map<String, Double> secondary = new LinkedHashMap<>();
    Map<String, List<Double>> iterations = new LinkedHashMap<>();
    if (entry.get("secondaryMetrics") instanceof Map<?, ?> metrics) {
      for (Map.Entry<?, ?> metric : metrics.entrySet()) {
        if (metric.getValue() instanceof Map<?, ?> value) {
          // JMH names profiler metrics "·gc.alloc.rate.norm", with a middle dot
          String key = metric.getKey().toString().replace("\u00b7", "");
          secondary.put(key, number(value.get("score")));
          iterations.put(key, flatten(value.get("rawData")));
        }
      }
    }
    Map<String, String> run = new LinkedHashMap<>();
    for (String key :
        List.of(
            "jmhVersion",
            "jdkVersion",
            "vmName",
            "vmVersion",
            "jvmArgs",
            "forks",
            "warmupIterations",
            "warmupTime",
            "measurementIterations",
            "measurementTime")) {
      Object value = entry.get(key);
      if (value != null) {
        run.put(
            key, value instanceof Double d && d == Math.rint(d) ? "" + d.longValue() : "" + value);
      }
    }
    return new Result(
        family,
        subject,
        aspect,
        method,
        params,
        number(primary.get("score")),
        number(primary.get("scoreError")),
        (String) primary.get("scoreUnit"),
        secondary,
        iterations,
        run);
  }

  private static List<Double> flatten(Object rawData) {
    List<Double> values = new ArrayList<>();
    if (rawData instanceof List<?> forks) {
      for (Object fork : forks) {
        if (fork instanceof List<?> its) {
          for (Object v : its) {
            values.add(number(v));
          }
        }
      }
    }
    return values;
  }

  /** JMH writes "NaN" as a string. */
  static double number(Object value) {
    if (value instanceof Double d) {
      return d;
    }
    return value == null ? Double.NaN : Double.parseDouble(value.toString());
  }

  /** A secondary score, NaN when the run did not produce it. */
  double secondary(String name) {
    return secondary.getOrDefault(name, Double.NaN);
  }

  /** A secondary score per iteration; empty when absent. */
  List<Double> iterations(String name) {
    return secondaryIterations.getOrDefault(name, List.of());
  }

  boolean isPaired() {
    return Subjects.PAIRED.equals(subject);
  }

  /** CPU nanoseconds of the benchmark thread per operation, NaN without {@code CpuTime}. */
  double cpuNanosPerOp() {
    return secondary("cpuNanos") / secondary("cpuOps");
  }

  /** Packages whose benchmarks run in memory, on one thread. */
  private static final Set<String> IN_MEMORY = Set.of("bench", "engine", "netty");

  /** Where the benchmark runs: "" in memory, else its package ({@code loop}). */
  String place() {
    return IN_MEMORY.contains(family) ? "" : family;
  }

  /**
   * The aspect, with the place in front outside memory ({@code Handshake}, {@code loop/Handshake}):
   * sections and comparisons never mix places.
   */
  String topic() {
    return place().isEmpty() ? aspect : place() + "/" + aspect;
  }

  /** What must match for two results to be compared: topic, method and every parameter. */
  String key() {
    return topic() + "." + method + params;
  }

  /** The parameter values in order, for a row label. */
  String label() {
    return String.join(" ", params.values());
  }
}
