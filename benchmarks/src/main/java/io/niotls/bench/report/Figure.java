package io.niotls.bench.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The number a result is compared by, with a second one that a shared machine disturbs less.
 *
 * @param value ops/s, MB/s (10^6 bytes; when the benchmark has a {@code size} parameter), heap
 *     bytes per idle session (the median over iterations), or the primary score as JMH gave it
 * @param error its 99.9% confidence half-width, NaN when unknown
 * @param higherIsBetter true for rates, false for times and sizes
 * @param alt a second figure: operations per CPU second ({@code cpu}, which the machine's load
 *     disturbs less), or the heap alone when the value is heap and native memory ({@code heap});
 *     NaN when absent
 * @param altName {@code cpu}, {@code heap} or null
 * @param perIteration {@code value} per measurement iteration (interleaved results), for spreads
 */
record Figure(
    double value,
    double error,
    String unit,
    boolean higherIsBetter,
    double alt,
    String altName,
    List<Double> perIteration) {

  /** The figure of an ordinary (one subject) result. */
  static Figure of(Result r) {
    double sessions = r.secondary("sessionsHeld");
    if (!Double.isNaN(sessions) && !Double.isNaN(r.secondary("heapBytes"))) {
      List<Double> held = r.iterations("sessionsHeld");
      double heap = median(r.iterations("heapBytes"), held);
      if (!Double.isNaN(r.secondary("rssBytes"))) {
        // heap and native together (the loopback servers read both): the figure that fills RAM
        return new Figure(
            median(r.iterations("rssBytes"), held),
            Double.NaN,
            "B/session (heap + native)",
            false,
            heap,
            "heap",
            List.of());
      }
      return new Figure(heap, Double.NaN, "B/session", false, Double.NaN, null, List.of());
    }
    double cpuPerOp = r.cpuNanosPerOp();
    double opsPerCpuSecond = 1e9 / cpuPerOp;
    String size = r.params().get("size");
    if (size != null && "ops/s".equals(r.unit())) {
      double bytes = Double.parseDouble(size) / 1e6;
      return new Figure(
          r.score() * bytes,
          r.error() * bytes,
          "MB/s",
          true,
          opsPerCpuSecond * bytes,
          "cpu",
          List.of());
    }
    boolean rate = r.unit() != null && (r.unit().contains("ops/") || r.unit().endsWith("/s"));
    return new Figure(
        r.score(),
        r.error(),
        r.unit(),
        rate,
        rate ? opsPerCpuSecond : Double.NaN,
        rate && !Double.isNaN(cpuPerOp) ? "cpu" : null,
        List.of());
  }

  /**
   * The figure of one subject in an interleaved result, null when the result has no turns of that
   * subject: its operations per second of its median turn (per second of all its turns when the
   * result has no medians), and per CPU second of all its turns.
   */
  static Figure ofPaired(Result r, String subject) {
    String p = Subjects.counterPrefix(subject);
    double ops = r.secondary(p + "Ops");
    double wall = r.secondary(p + "WallNs");
    if (!(ops > 0) || !(wall > 0)) {
      return null;
    }
    String size = r.params().get("size");
    double scale = (size == null ? 1 : Double.parseDouble(size) / 1e6) * 1e9;
    List<Double> itOps = r.iterations(p + "Ops");
    List<Double> itWall = r.iterations(p + "WallNs");
    List<Double> itTurns = r.iterations(p + "Turns");
    List<Double> itMedian = r.iterations(p + "MedianNs");
    boolean medians =
        !itMedian.isEmpty()
            && itMedian.size() == itOps.size()
            && itTurns.size() == itOps.size()
            && itMedian.stream().allMatch(m -> m > 0);
    List<Double> perIteration = new ArrayList<>();
    double medianSum = 0;
    for (int i = 0; i < Math.min(itOps.size(), itWall.size()); i++) {
      if (medians) {
        perIteration.add(itOps.get(i) / itTurns.get(i) / itMedian.get(i) * scale);
        medianSum += itMedian.get(i);
      } else {
        perIteration.add(itOps.get(i) / itWall.get(i) * scale);
      }
    }
    double value =
        medians
            ? ops / r.secondary(p + "Turns") / (medianSum / itMedian.size()) * scale
            : ops / wall * scale;
    return new Figure(
        value,
        Double.NaN,
        size == null ? "ops/s" : "MB/s",
        true,
        ops / r.secondary(p + "CpuNs") * scale,
        "cpu",
        perIteration);
  }

  /** The median over iterations of {@code num / den}. */
  private static double median(List<Double> num, List<Double> den) {
    List<Double> q = new ArrayList<>();
    for (int i = 0; i < Math.min(num.size(), den.size()); i++) {
      q.add(num.get(i) / den.get(i));
    }
    if (q.isEmpty()) {
      return Double.NaN;
    }
    q.sort(null);
    int n = q.size();
    return n % 2 == 1 ? q.get(n / 2) : (q.get(n / 2 - 1) + q.get(n / 2)) / 2;
  }

  /** Bytes allocated per operation by the subject's turns of an interleaved result. */
  static double pairedAllocation(Result r, String subject) {
    String p = Subjects.counterPrefix(subject);
    return r.secondary(p + "AllocBytes") / r.secondary(p + "Ops");
  }
}
