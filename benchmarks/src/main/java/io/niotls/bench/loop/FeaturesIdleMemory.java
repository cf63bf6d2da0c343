package io.niotls.bench.loop;

import java.util.ArrayList;
import java.util.Arrays;
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
 * <p>Interleaved: the servers are up at once, warmed up alike, then measured in rounds, each round
 * one reading of each in an order that rotates, so a drift of the machine falls on all. Per round
 * the ratio of each server to the first (the baseline); the summary is their median, mean and
 * range, and the target, within ±3%, is judged by the median. {@code niotls-features-nolimits} (the
 * features without the idle timeout and lifetime) tells what the session limits cost from what the
 * rest costs.
 *
 * <p>What keeps a round's noise well inside ±3% (the same for every server):
 *
 * <ul>
 *   <li>the warm-up opens and closes as many sessions as a round holds ({@code --warmup}, by
 *       default {@code --sessions}): after a warm-up of 2,000 the first round of 10,000 read 110 B
 *       less heap per session than every later round, which read the same to the byte;
 *   <li>the server JVMs run with glibc's per-thread malloc cache off ({@link
 *       MemoryRun#SERVER_MALLOC}): mallinfo2() counts what those caches hold as in use, which moved
 *       the native figure of one server by ±75 B per session between rounds, and by 200 B more
 *       where the JIT was at work; with it off, ±33 B;
 *   <li>every reading waits for the server JVM to be quiet ({@link MemoryRun#awaitQuiet}), no JIT
 *       compilation or GC under way: the readings whose native figure jumped were taken while the
 *       JVM's own memory still moved;
 *   <li>the median of the rounds' ratios, not their mean, so one round that caught the machine in a
 *       bad moment does not decide the verdict.
 * </ul>
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.niotls.bench.loop.FeaturesIdleMemory \
 *     [--providers BORINGSSL,JDK] [--sessions 10000] [--rounds 3] [--protocol TLSv1.3] \
 *     [--servers niotls,niotls-features[,niotls-features-nolimits]] \
 *     [--heap 1g] [--loops 2] [--warmup SESSIONS] [--in-flight 200]
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
    if (rounds < 1) {
      throw new IllegalArgumentException("--rounds must be 1 or more (3 is usual), got " + rounds);
    }
    int warmup = Integer.parseInt(o.getOrDefault("warmup", String.valueOf(sessions)));
    List<String> servers = List.of(o.getOrDefault("servers", "niotls,niotls-features").split(","));
    StringBuilder summary = new StringBuilder();
    for (String provider : providers) {
      List<MemoryRun> runs = new ArrayList<>();
      try {
        for (String server : servers) {
          runs.add(
              MemoryRun.start(
                  new MemoryRun.Spec(
                      server,
                      provider,
                      o.getOrDefault("protocol", "TLSv1.3"),
                      "127.0.0.1",
                      o.getOrDefault("heap", "1g"),
                      o.getOrDefault("heap", "1g"),
                      Integer.parseInt(o.getOrDefault("loops", "2")),
                      Integer.parseInt(o.getOrDefault("in-flight", "200")),
                      List.of())));
        }
        for (MemoryRun run : runs) {
          run.warmUp(warmup);
        }
        System.out.println(IdleMemoryRow.HEADER);
        List<IdleMemoryRow[]> measured = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
          IdleMemoryRow[] round = new IdleMemoryRow[runs.size()];
          for (int turn = 0; turn < runs.size(); turn++) {
            int i = (r + turn) % runs.size(); // each round starts with the next server
            round[i] = runs.get(i).measure(sessions);
            System.out.println(round[i]);
          }
          measured.add(round);
        }
        for (int i = 1; i < servers.size(); i++) {
          summary.append(summary(provider, sessions, measured, i));
        }
      } finally {
        for (MemoryRun run : runs) {
          run.close();
        }
      }
    }
    System.out.println();
    System.out.println(
        "| provider | idle sessions | baseline: heap + native per session | compared |"
            + " on / off: median (mean; range; rounds) | target |");
    System.out.println("| --- | ---: | ---: | ---: | ---: | --- |");
    System.out.print(summary);
  }

  /** Heap + native per idle session: what the comparison is judged by. */
  static double total(IdleMemoryRow row) {
    return row.heap() + Math.max(0, row.nativeBytes());
  }

  /**
   * One provider's rounds as a Markdown row, server {@code i} against the first: the means, the
   * ratio's median, mean and range, the verdict (by the median).
   */
  static String summary(String provider, int sessions, List<IdleMemoryRow[]> rounds, int i) {
    int n = rounds.size();
    double off = 0;
    double on = 0;
    double offHeap = 0;
    double onHeap = 0;
    double[] ratios = new double[n];
    StringBuilder perRound = new StringBuilder();
    for (int k = 0; k < n; k++) {
      IdleMemoryRow[] r = rounds.get(k);
      off += total(r[0]);
      on += total(r[i]);
      offHeap += r[0].heap();
      onHeap += r[i].heap();
      ratios[k] = total(r[i]) / total(r[0]);
      perRound.append(String.format(Locale.ROOT, " %.3f", ratios[k]));
    }
    double mean = Arrays.stream(ratios).average().orElse(Double.NaN);
    double[] sorted = ratios.clone();
    Arrays.sort(sorted);
    double median =
        n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2; // n > 0: rounds >= 1
    boolean met = Math.abs(median - 1) <= TARGET;
    return String.format(
        Locale.ROOT,
        "| %s | %,d | %s: %,.0f B (heap %,.0f B) | %s: %,.0f B (heap %,.0f B) | %.3f (mean %.3f;"
            + " %.3f–%.3f; rounds:%s) | ±3%% %s |%n",
        provider,
        sessions,
        rounds.get(0)[0].server(),
        off / n,
        offHeap / n,
        rounds.get(0)[i].server(),
        on / n,
        onHeap / n,
        median,
        mean,
        sorted[0],
        sorted[n - 1],
        perRound,
        met ? "met" : "NOT met");
  }
}
