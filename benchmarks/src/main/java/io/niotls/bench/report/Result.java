package io.niotls.bench.report;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
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

  /** The facts about the run that {@link #run} keeps, in this order. */
  private static final List<String> RUN_FACTS =
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
          "measurementTime");

  /** Strict about the end: text after the array (two files run together) is an error. */
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  /**
   * Every result in a JMH result file ({@code -rf json}) whose class follows the naming convention.
   *
   * @throws IllegalArgumentException when the text is not JSON, saying where it stopped, or not an
   *     array of results
   */
  static List<Result> readAll(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new IllegalArgumentException(
          "bad JSON at line "
              + at.getLineNr()
              + ", column "
              + at.getColumnNr()
              + ": "
              + e.getOriginalMessage(),
          e);
    }
    if (!root.isArray()) {
      throw new IllegalArgumentException(
          "not a JMH result file: JMH's -rf json writes an array of results, this is "
              + (root.isMissingNode() ? "empty" : "a JSON " + root.getNodeType()));
    }
    List<Result> results = new ArrayList<>();
    for (JsonNode entry : root) {
      Result result = of(entry);
      if (result != null) {
        results.add(result);
      }
    }
    return results;
  }

  private static Result of(JsonNode entry) {
    String benchmark = entry.path("benchmark").asText();
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
    for (Map.Entry<String, JsonNode> param : entry.path("params").properties()) {
      sorted.put(param.getKey(), text(param.getValue()));
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
    JsonNode primary = entry.path("primaryMetric");
    Map<String, Double> secondary = new LinkedHashMap<>();
    Map<String, List<Double>> iterations = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> metric : entry.path("secondaryMetrics").properties()) {
      if (metric.getValue().isObject()) {
        // older JMH versions name profiler metrics "·gc.alloc.rate.norm", with a middle dot
        String key = metric.getKey().replace("\u00b7", "");
        secondary.put(key, number(metric.getValue().get("score")));
        iterations.put(key, flatten(metric.getValue().path("rawData")));
      }
    }
    Map<String, String> run = new LinkedHashMap<>();
    for (String key : RUN_FACTS) {
      JsonNode value = entry.get(key);
      if (value != null && !value.isNull()) {
        run.put(key, text(value));
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
        primary.path("scoreUnit").textValue(),
        secondary,
        iterations,
        run);
  }

  /**
   * The values of every fork's iterations, forks in a row ({@code rawData} is one array a fork).
   */
  private static List<Double> flatten(JsonNode rawData) {
    List<Double> values = new ArrayList<>();
    for (JsonNode fork : rawData) {
      for (JsonNode v : fork) {
        values.add(number(v));
      }
    }
    return values;
  }

  /** A number as JMH writes it: a JSON number, or a string ("NaN"); NaN when absent. */
  static double number(JsonNode value) {
    if (value == null || value.isMissingNode() || value.isNull()) {
      return Double.NaN;
    }
    return value.isNumber() ? value.doubleValue() : Double.parseDouble(value.asText());
  }

  /**
   * A parameter or run fact as text: a whole number without a fraction ({@code forks} 1), an array
   * as {@code [a, b]} ({@code jvmArgs}).
   */
  private static String text(JsonNode value) {
    if (value.isNumber()) {
      double d = value.doubleValue();
      return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
    if (value.isArray()) {
      List<String> items = new ArrayList<>();
      value.forEach(item -> items.add(text(item)));
      return items.toString();
    }
    return value.isValueNode() ? value.asText() : value.toString();
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
