package io.niotls.bench.loop;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whether issue 15's production features cost idle sessions memory: {@code TlsServer} with them off
 * ({@code niotls}: one certificate, default tickets, no OCSP, no key log, no limits) against the
 * same server with them on ({@code niotls-features}, {@link FeaturesServer}: certificates by name,
 * ticket keys from a file, a stapled OCSP response, idle timeout and maximum lifetime), same
 * provider, measured as {@link IdleMemory} measures (heap + native per idle session, each server
 * alone in its JVM with a client JVM of its own).
 *
 * <p>Interleaved: both servers are up at once, warmed up alike, then measured in rounds, each round
 * one reading of each in an order that alternates, so a drift of the machine falls on both. Per
 * round the ratio features / off; the summary is their mean and range. Target: within ±3%.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.niotls.bench.loop.FeaturesIdleMemory \
 *     [--providers BORINGSSL,JDK] [--sessions 10000] [--rounds 3] [--protocol TLSv1.3] \
 *     [--heap 1g] [--loops 2] [--warmup 2000] [--in-flight 200]
 * </pre>
 */
public final class FeaturesIdleMemory {
  static final double TARGET = 0.03;

  private FeaturesIdleMemory() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = IdleMemory.options(args);
    List<String> providers = List.of(o.getOrDefault("providers", "BORINGSSL,JDK").split(","));
    int sessions = Integer.parseInt(o.getOrDefault("sessions", "10000"));
    int rounds = Integer.parseInt(o.getOrDefault("rounds", "3"));
    int warmup = Integer.parseInt(o.getOrDefault("warmup", "2000"));
    StringBuilder summary = new StringBuilder();
    for (String provider : providers) {
      List<MemoryRun.Spec> specs = new ArrayList<>();
      for (String server : List.of("niotls", "niotls-features")) {
        specs.add(
            new MemoryRun.Spec(
                server,
                provider,
                o.getOrDefault("protocol", "TLSv1.3"),
                "127.0.0.1",
                o.getOrDefault("heap", "1g"),
                o.getOrDefault("heap", "1g"),
                Integer.parseInt(o.getOrDefault("loops", "2")),
                Integer.parseInt(o.getOrDefault("in-flight", "200")),
                List.of()));
      }
      try (MemoryRun off = MemoryRun.start(specs.get(0));
          MemoryRun on = MemoryRun.start(specs.get(1))) {
        off.warmUp(warmup);
        on.warmUp(warmup);
        System.out.println(IdleMemoryRow.HEADER);
        List<IdleMemoryRow[]> measured = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
          IdleMemoryRow[] pair = new IdleMemoryRow[2];
          boolean featuresFirst = r % 2 == 1;
          for (int turn = 0; turn < 2; turn++) {
            boolean features = featuresFirst == (turn == 0);
            IdleMemoryRow row = (features ? on : off).measure(sessions);
            pair[features ? 1 : 0] = row;
            System.out.println(row);
          }
          measured.add(pair);
        }
        summary.append(summary(provider, sessions, measured));
      }
    }
    System.out.println();
    System.out.println(
        "| provider | idle sessions | features off: heap + native per session | features on |"
            + " on / off | target |");
    System.out.println("| --- | ---: | ---: | ---: | ---: | --- |");
    System.out.print(summary);
  }

  /** Heap + native per idle session: what the comparison is judged by. */
  static double total(IdleMemoryRow row) {
    return row.heap() + Math.max(0, row.nativeBytes());
  }

  /** One provider's rounds as Markdown rows: the means, the ratio's mean and range, the verdict. */
  static String summary(String provider, int sessions, List<IdleMemoryRow[]> rounds) {
    double off = 0;
    double on = 0;
    double offHeap = 0;
    double onHeap = 0;
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    double ratios = 0;
    StringBuilder perRound = new StringBuilder();
    for (IdleMemoryRow[] r : rounds) {
      off += total(r[0]);
      on += total(r[1]);
      offHeap += r[0].heap();
      onHeap += r[1].heap();
      double q = total(r[1]) / total(r[0]);
      ratios += q;
      lo = Math.min(lo, q);
      hi = Math.max(hi, q);
      perRound.append(String.format(Locale.ROOT, " %.3f", q));
    }
    int n = rounds.size();
    double mean = ratios / n;
    boolean met = Math.abs(mean - 1) <= TARGET;
    return String.format(
        Locale.ROOT,
        "| %s | %,d | %,.0f B (heap %,.0f B) | %,.0f B (heap %,.0f B) | %.3f (%.3f–%.3f; rounds:%s)"
            + " | ±3%% %s |%n",
        provider,
        sessions,
        off / n,
        offHeap / n,
        on / n,
        onHeap / n,
        mean,
        lo,
        hi,
        perRound,
        met ? "met" : "NOT met");
  }
}
