package io.niotls.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The few lines for the project README: for each comparison that matters, the range of the niotls /
 * peer ratio over the configurations measured (providers, protocol versions), from the interleaved
 * benchmarks where there are some.
 */
final class Headline {
  private Headline() {}

  /** One headline: a topic, which rows count, and how to say it. */
  private record Claim(String topic, Predicate<Map<String, String>> rows, String label) {}

  /** At most this many lines. */
  private static final int MAX_LINES = 6;

  private static final List<Claim> CLAIMS =
      List.of(
          new Claim(
              "Handshake",
              p -> !"resumed".equals(p.get("handshake")) && !"RSA_2048".equals(p.get("key")),
              "Full handshakes in memory (EC P-256)"),
          new Claim(
              "Record",
              p ->
                  p.getOrDefault("size", "16384").equals("16384")
                      && !"CHACHA20".equals(p.get("cipher")),
              "16 KiB record throughput in memory (AES-GCM)"),
          new Claim(
              "IdleSession",
              p -> true,
              "Heap per idle session in memory (the most sessions measured; lower is better)"),
          new Claim("loop/FullHandshake", p -> true, "Full handshakes over loopback"),
          new Claim(
              "loop/Scaling",
              p -> true,
              "Full handshakes over loopback as connections in flight and loops grow"),
          new Claim(
              "loop/IdleSession",
              p -> true,
              "Memory per idle session over loopback, heap and native (the most sessions"
                  + " measured; lower is better)"));

  static List<String> lines(List<Result> results) {
    List<String> lines = new ArrayList<>();
    List<String> covered = new ArrayList<>();
    for (Claim claim : CLAIMS) {
      String line = line(claim, results);
      if (line != null) {
        lines.add(line);
      }
      covered.add(claim.topic());
    }
    for (String topic : results.stream().map(Result::topic).distinct().toList()) {
      if (!covered.contains(topic)) {
        String line = line(new Claim(topic, p -> true, Comparisons.title(topic)), results);
        if (line != null) {
          lines.add(line);
        }
      }
    }
    return lines.subList(0, Math.min(lines.size(), MAX_LINES));
  }

  private static String line(Claim claim, List<Result> results) {
    List<Result> of =
        mostSessions(
            results.stream()
                .filter(r -> r.topic().equals(claim.topic()) && claim.rows().test(r.params()))
                .toList());
    List<Result> paired = of.stream().filter(Result::isPaired).toList();
    boolean interleaved = !paired.isEmpty();
    List<String> parts = new ArrayList<>();
    for (Comparisons.Pair pair : Comparisons.pairs(new ArrayList<>(Subjects.NAMES.keySet()))) {
      List<Double> ratios = new ArrayList<>();
      if (interleaved) {
        for (Result r : paired) {
          Figure ours = Figure.ofPaired(r, pair.ours());
          Figure theirs = Figure.ofPaired(r, pair.theirs());
          if (ours != null && theirs != null) {
            ratios.add(ours.value() / theirs.value());
          }
        }
      } else {
        for (Result ours : of) {
          if (!ours.subject().equals(pair.ours())) {
            continue;
          }
          for (Result theirs : of) {
            if (theirs.subject().equals(pair.theirs()) && theirs.key().equals(ours.key())) {
              ratios.add(Figure.of(ours).value() / Figure.of(theirs).value());
            }
          }
        }
      }
      if (!ratios.isEmpty()) {
        parts.add(
            Subjects.name(pair.ours()) + " " + range(ratios) + " " + Subjects.name(pair.theirs()));
      }
    }
    if (parts.isEmpty()) {
      return null;
    }
    return "- **"
        + claim.label()
        + ":** "
        + String.join("; ", parts)
        + " ("
        + (interleaved ? "interleaved, " : "")
        + String.join(
            " and ",
            of.stream()
                .map(r -> provider(r.params()))
                .distinct()
                .filter(p -> !p.isEmpty())
                .toList())
        + ")";
  }

  /** With a {@code sessions} parameter, only the rows with the most sessions of their provider. */
  private static List<Result> mostSessions(List<Result> results) {
    Map<String, Integer> most = new java.util.HashMap<>();
    for (Result r : results) {
      String s = r.params().get("sessions");
      if (s != null) {
        most.merge(provider(r.params()), Integer.parseInt(s), Math::max);
      }
    }
    if (most.isEmpty()) {
      return results;
    }
    return results.stream()
        .filter(
            r ->
                Integer.parseInt(r.params().getOrDefault("sessions", "0"))
                    == most.getOrDefault(provider(r.params()), 0))
        .toList();
  }

  private static String provider(Map<String, String> params) {
    String p = params.getOrDefault("provider", "");
    return p.equals("OPENSSL") ? "OpenSSL" : p;
  }

  private static String range(List<Double> ratios) {
    double lo = ratios.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    double hi = ratios.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    String a = String.format(Locale.ROOT, "%.2f", lo);
    String b = String.format(Locale.ROOT, "%.2f", hi);
    return (a.equals(b) ? a : a + "–" + b) + "×";
  }
}
