package io.niotls.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Builds JMH result JSON the way JMH writes it, for the report's tests. */
final class JmhJson {
  private final List<String> entries = new ArrayList<>();

  /**
   * One result with its parameters (name, value, ...) and secondary metrics (name → per-iteration
   * values).
   */
  JmhJson add(
      String benchmark,
      double score,
      String error,
      String unit,
      Map<String, String> params,
      Map<String, double[]> secondary) {
    StringBuilder p = new StringBuilder();
    params.forEach(
        (k, v) ->
            p.append(p.length() == 0 ? "" : ", ")
                .append('"')
                .append(k)
                .append("\" : \"")
                .append(v)
                .append('"'));
    StringBuilder s = new StringBuilder();
    secondary.forEach(
        (k, its) -> {
          double sum = 0;
          StringBuilder raw = new StringBuilder();
          for (double v : its) {
            sum += v;
            raw.append(raw.length() == 0 ? "" : ", ").append(num(v));
          }
          s.append(s.length() == 0 ? "" : ", ")
              .append('"')
              .append(k)
              .append("\" : { \"score\" : ")
              .append(num(sum))
              .append(", \"scoreError\" : \"NaN\", \"scoreUnit\" : \"#\", \"rawData\" : [ [ ")
              .append(raw)
              .append(" ] ] }");
        });
    entries.add(
        """
        {
          "jmhVersion" : "1.37",
          "benchmark" : "%s",
          "mode" : "thrpt",
          "forks" : 1,
          "jdkVersion" : "17.0.15",
          "vmName" : "OpenJDK 64-Bit Server VM",
          "vmVersion" : "17.0.15+6",
          "params" : { %s },
          "primaryMetric" : {
            "score" : %s,
            "scoreError" : %s,
            "scoreConfidence" : [ 1.0, 2.0 ],
            "scoreUnit" : "%s",
            "rawData" : [ [ 1.0e2, 2.5E-1 ] ]
          },
          "secondaryMetrics" : { %s }
        }"""
            .formatted(benchmark, p, num(score), error, unit, s));
    return this;
  }

  JmhJson add(String benchmark, double score, Map<String, String> params) {
    return add(benchmark, score, "\"NaN\"", "ops/s", params, Map.of());
  }

  String json() {
    return "[" + String.join(",\n", entries) + "]";
  }

  static Map<String, String> params(String... kv) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      map.put(kv[i], kv[i + 1]);
    }
    return map;
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%s", v);
  }
}
