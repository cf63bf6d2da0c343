package io.niotls.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints niotls / peer ratios from a JMH JSON result file: every {@code TlsEngine<Aspect>Benchmark}
 * result is set beside the peer result of the same aspect, method and parameters ({@code
 * RawSslEngine<Aspect>Benchmark}), so each ratio compares two numbers from the same run.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.niotls.bench.report.Ratios results.json</pre>
 *
 * <p>Columns: the wall-clock scores (operations per second) and their ratio; the benchmark thread's
 * CPU time per operation and the ratio of operations per CPU second (the figure to trust on a
 * shared machine, where the wall clock moves with other work); MB/s (10^6 bytes) when there is a
 * {@code size} parameter (bytes per operation); bytes allocated per operation with {@code -prof
 * gc}. A ratio above 1 means niotls is faster.
 */
public final class Ratios {
  static final String NIOTLS = "TlsEngine";

  /** Benchmarks whose operations interleave niotls and the raw SSLEngine. */
  static final String PAIRED = "Paired";

  /** Peer subjects and their short names, in table order. */
  static final Map<String, String> PEERS = new LinkedHashMap<>();

  static {
    PEERS.put("RawSslEngine", "raw");
  }

  private static final String ALLOC = "gc.alloc.rate.norm";

  private Ratios() {}

  public static void main(String[] args) throws IOException {
    if (args.length == 0) {
      System.err.println("usage: Ratios <jmh-result.json>...");
      System.exit(2);
    }
    for (String file : args) {
      System.out.print(table(Files.readString(Path.of(file))));
    }
  }

  /** The whole report for one JMH JSON document. */
  static String table(String json) {
    List<String> subjects = new ArrayList<>(PEERS.keySet());
    subjects.add(NIOTLS);
    subjects.add(PAIRED);
    List<Result> results = Result.readAll(json, subjects);
    Map<String, Result> byKey = new LinkedHashMap<>();
    for (Result r : results) {
      byKey.put(r.subject() + "|" + r.key(), r);
    }
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, String> peer : PEERS.entrySet()) {
      String lastHeading = null;
      for (Result ours : results) {
        Result theirs = byKey.get(peer.getKey() + "|" + ours.key());
        if (!ours.subject().equals(NIOTLS) || theirs == null) {
          continue;
        }
        String heading = ours.aspect() + "." + ours.method();
        if (!heading.equals(lastHeading)) {
          lastHeading = heading;
          out.append('\n').append(header(heading, peer.getValue(), ours)).append('\n');
        }
        out.append(row(ours, theirs)).append('\n');
      }
    }
    String lastHeading = null;
    for (Result paired : results) {
      if (!paired.subject().equals(PAIRED) || Double.isNaN(paired.secondary("pairs"))) {
        continue;
      }
      String heading = PAIRED + " " + paired.aspect() + "." + paired.method();
      if (!heading.equals(lastHeading)) {
        lastHeading = heading;
        out.append('\n').append(String.format(Locale.ROOT, "%-28s", heading + " (us/op)"));
        out.append(cells("%18s", "niotls", "raw", "niotls/raw"));
        out.append(cells("%14s", "niotls cpu us", "raw cpu us", "cpu ratio")).append('\n');
      }
      out.append(pairedRow(paired)).append('\n');
    }
    if (out.length() == 0) {
      out.append("no niotls result with a matching peer result\n");
    }
    return out.toString();
  }

  private static String pairedRow(Result r) {
    double pairs = r.secondary("pairs");
    double ours = r.secondary("niotlsNanos");
    double theirs = r.secondary("peerNanos");
    double ourCpu = r.secondary("niotlsCpuNanos");
    double theirCpu = r.secondary("peerCpuNanos");
    return String.format(Locale.ROOT, "%-28s", String.join(" ", r.params().values()))
        + cells(
            "%18s",
            format("%.1f", ours / pairs / 1e3),
            format("%.1f", theirs / pairs / 1e3),
            format("%.3f", theirs / ours))
        + cells(
            "%14s",
            format("%.1f", ourCpu / pairs / 1e3),
            format("%.1f", theirCpu / pairs / 1e3),
            format("%.3f", theirCpu / ourCpu));
  }

  private static String header(String heading, String peer, Result ours) {
    StringBuilder line = new StringBuilder();
    line.append(String.format(Locale.ROOT, "%-28s", heading + " (" + ours.unit() + ")"));
    line.append(cells("%18s", "niotls", peer, "niotls/" + peer));
    if (!Double.isNaN(ours.cpuNanosPerOp())) {
      line.append(cells("%14s", "niotls cpu us", peer + " cpu us", "cpu ratio"));
    }
    if (ours.params().containsKey("size")) {
      line.append(cells("%12s", "niotls MB/s", peer + " MB/s"));
    }
    if (!Double.isNaN(ours.secondary(ALLOC))) {
      line.append(cells("%12s", "niotls B/op", peer + " B/op"));
    }
    return line.toString();
  }

  private static String row(Result ours, Result theirs) {
    StringBuilder line = new StringBuilder();
    line.append(String.format(Locale.ROOT, "%-28s", String.join(" ", ours.params().values())));
    double ratio = ours.score() / theirs.score();
    double ratioError =
        ratio * Math.hypot(ours.error() / ours.score(), theirs.error() / theirs.score());
    line.append(
        cells(
            "%18s",
            withError(ours.score(), ours.error(), "%.1f"),
            withError(theirs.score(), theirs.error(), "%.1f"),
            withError(ratio, ratioError, "%.3f")));
    double ourCpu = ours.cpuNanosPerOp();
    if (!Double.isNaN(ourCpu)) {
      double theirCpu = theirs.cpuNanosPerOp();
      line.append(
          cells(
              "%14s",
              format("%.1f", ourCpu / 1e3),
              format("%.1f", theirCpu / 1e3),
              format("%.3f", theirCpu / ourCpu)));
    }
    String size = ours.params().get("size");
    if (size != null) {
      double bytes = Double.parseDouble(size);
      line.append(
          cells(
              "%12s",
              format("%.1f", ours.score() * bytes / 1e6),
              format("%.1f", theirs.score() * bytes / 1e6)));
    }
    if (!Double.isNaN(ours.secondary(ALLOC))) {
      line.append(
          cells(
              "%12s",
              format("%.0f", ours.secondary(ALLOC)), format("%.0f", theirs.secondary(ALLOC))));
    }
    return line.toString();
  }

  private static String cells(String format, String... values) {
    StringBuilder out = new StringBuilder();
    for (String value : values) {
      out.append(' ').append(String.format(Locale.ROOT, format, value));
    }
    return out.toString();
  }

  private static String withError(double value, double error, String format) {
    String text = format(format, value);
    return Double.isNaN(error) ? text : text + " ± " + format(format, error);
  }

  private static String format(String format, double value) {
    return String.format(Locale.ROOT, format, value);
  }
}
