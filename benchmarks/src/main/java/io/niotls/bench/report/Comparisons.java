package io.niotls.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns results into tables, one section per topic (an aspect in one place): the figures of every
 * subject side by side, and the niotls / peer ratios of figures measured in the same run (in the
 * same operations, for the interleaved benchmarks). Nothing here knows a benchmark by name beyond
 * the naming convention, so new benchmarks show up as they are added.
 */
final class Comparisons {
  /** Aspects shown first, in this order, with their titles; the rest follow as they come. */
  private static final Map<String, String> TITLES = new LinkedHashMap<>();

  /** How places other than memory are named in titles. */
  private static final Map<String, String> PLACES = Map.of("loop", "over loopback");

  static {
    TITLES.put("Handshake", "Handshakes in memory");
    TITLES.put("Record", "Record throughput in memory");
    TITLES.put("IdleSession", "Memory per idle established session");
  }

  /** One topic's tables (a topic is an aspect in one place: {@link Result#topic()}). */
  record Section(String topic, String title, List<Table> tables) {}

  /** A pair of subjects to compare: niotls's and its peer. */
  record Pair(String ours, String theirs) {
    String heading() {
      return Subjects.name(ours) + " / " + Subjects.name(theirs);
    }
  }

  private Comparisons() {}

  static List<Section> sections(List<Result> results) {
    Set<String> topics = new LinkedHashSet<>();
    for (String known : TITLES.keySet()) {
      if (results.stream().anyMatch(r -> r.topic().equals(known))) {
        topics.add(known);
      }
    }
    results.forEach(r -> topics.add(r.topic()));
    List<Section> sections = new ArrayList<>();
    for (String topic : topics) {
      List<Table> tables = new ArrayList<>();
      List<Result> of = results.stream().filter(r -> r.topic().equals(topic)).toList();
      String name = words(of.get(0).aspect());
      tables.addAll(pairedTables(name, of.stream().filter(Result::isPaired).toList()));
      tables.addAll(singleTables(name, of.stream().filter(r -> !r.isPaired()).toList()));
      tables.removeIf(Table::isEmpty);
      if (!tables.isEmpty()) {
        sections.add(new Section(topic, title(topic), tables));
      }
    }
    return sections;
  }

  /**
   * {@code Handshake} → "Handshakes in memory", {@code loop/Handshake} → "Handshake over loopback".
   */
  static String title(String topic) {
    int slash = topic.indexOf('/');
    if (slash < 0) {
      return TITLES.getOrDefault(topic, words(topic) + " in memory");
    }
    String place = topic.substring(0, slash);
    return words(topic.substring(slash + 1)) + " " + PLACES.getOrDefault(place, "(" + place + ")");
  }

  // ---- interleaved results -----------------------------------------------------------------

  private static List<Table> pairedTables(String name, List<Result> results) {
    if (results.isEmpty()) {
      return List.of();
    }
    List<String> subjects = new ArrayList<>();
    for (String subject : Subjects.NAMES.keySet()) {
      if (results.stream().anyMatch(r -> Figure.ofPaired(r, subject) != null)) {
        subjects.add(subject);
      }
    }
    if (subjects.isEmpty()) {
      return List.of();
    }
    List<Pair> pairs = pairs(subjects);
    Columns columns = Columns.of(results);
    // Any figure will do for the unit, but not the first one blindly: a short (smoke) iteration can
    // leave a subject without a single turn in one result and with turns in the next.
    String unit =
        results.stream()
            .map(r -> Figure.ofPaired(r, subjects.get(0)))
            .filter(f -> f != null)
            .findFirst()
            .orElseThrow()
            .unit();

    Table values =
        new Table(
            name + ", interleaved: " + unit + " of each subject" + columns.constants(),
            columns.header(subjects.stream().map(Subjects::name).toList()));
    Table ratios =
        new Table(
            name
                + ", interleaved: niotls / peer (median turns by the wall clock where measured,"
                + " range over iterations; cpu: per CPU second of the benchmark thread in memory,"
                + " of the server over loopback)"
                + columns.constants(),
            columns.header(ratioHeaders(pairs, "cpu")));
    Table alloc =
        new Table(
            name + ", interleaved: bytes allocated per operation" + columns.constants(),
            columns.header(subjects.stream().map(Subjects::name).toList()));
    for (Result r : results) {
      List<String> valueRow = columns.cells(r.params());
      List<String> allocRow = columns.cells(r.params());
      for (String subject : subjects) {
        Figure f = Figure.ofPaired(r, subject);
        valueRow.add(f == null ? "–" : number(f.value()));
        allocRow.add(f == null ? "–" : bytes(Figure.pairedAllocation(r, subject)));
      }
      values.add(valueRow);
      alloc.add(allocRow);
      List<String> ratioRow = columns.cells(r.params());
      for (Pair pair : pairs) {
        Figure ours = Figure.ofPaired(r, pair.ours());
        Figure theirs = Figure.ofPaired(r, pair.theirs());
        if (ours == null || theirs == null) {
          ratioRow.add("–");
          ratioRow.add("–");
          continue;
        }
        ratioRow.add(ratio(ours.value() / theirs.value()) + range(ours, theirs));
        ratioRow.add(ratio(ours.alt() / theirs.alt()));
      }
      ratios.add(ratioRow);
    }
    boolean allocated =
        results.stream()
            .anyMatch(
                r ->
                    subjects.stream()
                        .anyMatch(
                            s ->
                                !Double.isNaN(
                                    r.secondary(Subjects.counterPrefix(s) + "AllocBytes"))));
    return allocated ? List.of(ratios, values, alloc) : List.of(ratios, values);
  }

  /** " (lo–hi)" over the iterations' ratios, or nothing with fewer than two iterations. */
  private static String range(Figure ours, Figure theirs) {
    int n = Math.min(ours.perIteration().size(), theirs.perIteration().size());
    if (n < 2) {
      return "";
    }
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      double q = ours.perIteration().get(i) / theirs.perIteration().get(i);
      lo = Math.min(lo, q);
      hi = Math.max(hi, q);
    }
    return " (" + ratio(lo) + "–" + ratio(hi) + ")";
  }

  // ---- one-subject results -----------------------------------------------------------------

  private static List<Table> singleTables(String name, List<Result> results) {
    List<Table> tables = new ArrayList<>();
    Map<String, List<Result>> byMethod = new LinkedHashMap<>();
    results.forEach(r -> byMethod.computeIfAbsent(r.method(), m -> new ArrayList<>()).add(r));
    for (List<Result> group : byMethod.values()) {
      String title = name + (byMethod.size() > 1 ? " (" + group.get(0).method() + ")" : "");
      tables.addAll(singleTablesOfMethod(title, group));
    }
    return tables;
  }

  private static List<Table> singleTablesOfMethod(String name, List<Result> results) {
    List<String> subjects = new ArrayList<>();
    for (String subject : Subjects.NAMES.keySet()) {
      if (results.stream().anyMatch(r -> r.subject().equals(subject))) {
        subjects.add(subject);
      }
    }
    results.stream()
        .map(Result::subject)
        .filter(s -> !subjects.contains(s))
        .distinct()
        .forEach(subjects::add);
    Map<String, Map<String, Result>> rows = new LinkedHashMap<>(); // params -> subject -> result
    for (Result r : results) {
      rows.computeIfAbsent(r.params().toString(), k -> new LinkedHashMap<>()).put(r.subject(), r);
    }
    Columns columns = Columns.of(results);
    Figure sample = Figure.of(results.get(0));
    String altName = sample.altName();
    List<Pair> pairs = pairs(subjects);

    Table values =
        new Table(
            name
                + ": "
                + sample.unit()
                + " of each subject"
                + (sample.higherIsBetter() ? "" : " (lower is better)")
                + columns.constants(),
            columns.header(subjects.stream().map(Subjects::name).toList()));
    Table ratios =
        new Table(
            name
                + ": niotls / peer, measured one after the other in the same run"
                + (altName == null ? "" : altNote(altName))
                + columns.constants(),
            columns.header(ratioHeaders(pairs, altName)));
    Table alloc =
        new Table(
            name + ": bytes allocated per operation (JMH -prof gc)" + columns.constants(),
            columns.header(subjects.stream().map(Subjects::name).toList()));
    boolean anyAlloc = false;
    for (Map<String, Result> row : rows.values()) {
      Result first = row.values().iterator().next();
      List<String> valueRow = columns.cells(first.params());
      List<String> allocRow = columns.cells(first.params());
      for (String subject : subjects) {
        Result r = row.get(subject);
        valueRow.add(r == null ? "–" : withError(Figure.of(r)));
        double a = r == null ? Double.NaN : r.secondary("gc.alloc.rate.norm");
        anyAlloc |= !Double.isNaN(a);
        allocRow.add(Double.isNaN(a) ? "–" : bytes(a));
      }
      values.add(valueRow);
      alloc.add(allocRow);
      List<String> ratioRow = columns.cells(first.params());
      boolean anyRatio = false;
      for (Pair pair : pairs) {
        Result ours = row.get(pair.ours());
        Result theirs = row.get(pair.theirs());
        if (ours == null || theirs == null) {
          ratioRow.add("–");
          if (altName != null) {
            ratioRow.add("–");
          }
          continue;
        }
        anyRatio = true;
        Figure o = Figure.of(ours);
        Figure t = Figure.of(theirs);
        double q = o.value() / t.value();
        double qError = q * Math.hypot(o.error() / o.value(), t.error() / t.value());
        ratioRow.add(Double.isNaN(qError) ? ratio(q) : ratio(q) + " ± " + ratio(qError));
        if (altName != null) {
          ratioRow.add(ratio(o.alt() / t.alt()));
        }
      }
      if (anyRatio) {
        ratios.add(ratioRow);
      }
    }
    List<Table> tables = new ArrayList<>();
    if (!pairs.isEmpty()) {
      tables.add(ratios);
    }
    tables.add(values);
    if (anyAlloc) {
      tables.add(alloc);
    }
    return tables;
  }

  private static String altNote(String altName) {
    return altName.equals("heap")
        ? " (heap: the heap alone)"
        : " (" + altName + ": per CPU second of the benchmark thread)";
  }

  // ---- shared -------------------------------------------------------------------------------

  /** Every niotls subject present with each of its peers present. */
  static List<Pair> pairs(List<String> subjects) {
    List<Pair> pairs = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : Subjects.PEERS.entrySet()) {
      if (!subjects.contains(e.getKey())) {
        continue;
      }
      for (String peer : e.getValue()) {
        if (subjects.contains(peer)) {
          pairs.add(new Pair(e.getKey(), peer));
        }
      }
    }
    return pairs;
  }

  private static List<String> ratioHeaders(List<Pair> pairs, String altName) {
    List<String> headers = new ArrayList<>();
    for (Pair pair : pairs) {
      headers.add(pair.heading());
      if (altName != null) {
        headers.add(altName);
      }
    }
    return headers;
  }

  /** The parameter columns of a table: those that differ between rows; the rest go in the title. */
  static final class Columns {
    private final List<String> varying = new ArrayList<>();
    private final Map<String, String> constant = new LinkedHashMap<>();

    static Columns of(List<Result> results) {
      Map<String, Set<String>> values = new LinkedHashMap<>();
      for (Result r : results) {
        r.params().forEach((k, v) -> values.computeIfAbsent(k, x -> new LinkedHashSet<>()).add(v));
      }
      Columns c = new Columns();
      values.forEach(
          (k, v) -> {
            if (v.size() == 1) {
              c.constant.put(k, v.iterator().next());
            } else {
              c.varying.add(k);
            }
          });
      return c;
    }

    List<String> header(List<String> rest) {
      List<String> h = new ArrayList<>(varying.isEmpty() ? List.of("") : varying);
      h.addAll(rest);
      return h;
    }

    List<String> cells(Map<String, String> params) {
      List<String> cells = new ArrayList<>();
      if (varying.isEmpty()) {
        cells.add("");
      }
      for (String name : varying) {
        cells.add(params.getOrDefault(name, ""));
      }
      return cells;
    }

    String constants() {
      if (constant.isEmpty()) {
        return "";
      }
      List<String> parts = new ArrayList<>();
      constant.forEach((k, v) -> parts.add(k + " " + v));
      return " — " + String.join(", ", parts);
    }
  }

  /** {@code IdleSession} → {@code Idle session}. */
  static String words(String camel) {
    String spaced = camel.replaceAll("([a-z0-9])([A-Z])", "$1 $2");
    return spaced.isEmpty()
        ? spaced
        : spaced.charAt(0) + spaced.substring(1).toLowerCase(Locale.ROOT);
  }

  static String withError(Figure f) {
    if (f.unit().startsWith("B/session")) {
      return bytes(f.value()) + (Double.isNaN(f.alt()) ? "" : " (heap " + bytes(f.alt()) + ")");
    }
    return Double.isNaN(f.error())
        ? number(f.value())
        : number(f.value()) + " ± " + number(f.error());
  }

  static String number(double v) {
    if (Double.isNaN(v)) {
      return "–";
    }
    double a = Math.abs(v);
    String format = a >= 100 ? "%,.0f" : a >= 10 ? "%.1f" : "%.2f";
    return String.format(Locale.ROOT, format, v);
  }

  static String ratio(double v) {
    return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.2f", v);
  }

  static String bytes(double v) {
    if (Double.isNaN(v)) {
      return "–";
    }
    return Math.abs(v) >= 10_240
        ? String.format(Locale.ROOT, "%.1f KiB", v / 1024)
        : String.format(Locale.ROOT, "%,.0f B", v);
  }
}
