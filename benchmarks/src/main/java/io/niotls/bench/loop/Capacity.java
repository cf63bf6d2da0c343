package io.niotls.bench.loop;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The capacity run: {@code sessions} concurrent established TLS sessions on this one machine, all
 * open at the same moment, for niotls's {@code TlsServer} and for a Netty server with {@code
 * SslHandler}, and the servers' memory per idle session then.
 *
 * <p>A process can hold no more descriptors than its hard limit allows, and raising that limit
 * needs a privilege this machine may not give. The sessions are therefore spread over {@code
 * shards} server processes of at most {@code per-process} sessions each, every one with its own
 * client process and its own 127.0.0.x listening address (so no client address runs out of
 * ephemeral ports); all of them are opened before any is measured, so the machine holds every
 * session at once. Per session, as in {@link IdleMemory} (same readings, same arithmetic): heap and
 * native growth summed over the shards and divided by all the sessions.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.niotls.bench.loop.Capacity \
 *     [--sessions 100000] [--per-process 19000] [--servers niotls,netty] \
 *     [--providers OPENSSL,JDK] [--protocol TLSv1.3] [--in-flight 200]
 * </pre>
 */
public final class Capacity {
  private Capacity() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = IdleMemory.options(args);
    int sessions = Integer.parseInt(o.getOrDefault("sessions", "100000"));
    int perProcess = Integer.parseInt(o.getOrDefault("per-process", "19000"));
    int shards = (sessions + perProcess - 1) / perProcess;
    List<String> servers = List.of(o.getOrDefault("servers", "niotls,netty").split(","));
    List<String> providers = List.of(o.getOrDefault("providers", "OPENSSL,JDK").split(","));
    String protocol = o.getOrDefault("protocol", "TLSv1.3");
    int inFlight = Integer.parseInt(o.getOrDefault("in-flight", "200"));
    // Room for ~20 KiB per session (a JDK engine's idle session takes ~7 KiB) plus a base.
    String heap = (256 + perProcess * 20 / 1024) + "m";

    System.out.printf(
        Locale.ROOT,
        "capacity: %d sessions in %d shard(s) of at most %d, heap %s per process%n",
        sessions,
        shards,
        perProcess,
        heap);
    List<IdleMemoryRow> totals = new ArrayList<>();
    for (String provider : providers) {
      for (String server : servers) {
        List<MemoryRun> runs = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(shards);
        long start = System.nanoTime();
        try {
          for (int i = 0; i < shards; i++) {
            runs.add(
                MemoryRun.start(
                    new MemoryRun.Spec(
                        server,
                        provider,
                        protocol,
                        "127.0.0." + (i + 1),
                        heap,
                        heap,
                        1,
                        inFlight,
                        List.of())));
          }
          List<MemoryReading> before = new ArrayList<>();
          for (MemoryRun run : runs) {
            run.warmUp(500);
            before.add(run.reading());
          }
          List<Future<Integer>> opened = new ArrayList<>();
          for (int i = 0; i < shards; i++) {
            MemoryRun run = runs.get(i);
            int n = Math.min(perProcess, sessions - i * perProcess);
            opened.add(
                pool.submit(
                    () -> {
                      run.hold(n);
                      return n;
                    }));
          }
          int[] counts = new int[shards];
          for (int i = 0; i < shards; i++) {
            counts[i] = opened.get(i).get();
          }
          int held = 0;
          for (MemoryRun run : runs) {
            held += run.sessions(); // every shard still holds its sessions: all open at once
          }
          Thread.sleep(1000);
          List<IdleMemoryRow> rows = new ArrayList<>();
          for (int i = 0; i < shards; i++) {
            IdleMemoryRow row =
                IdleMemoryRow.of(server, provider, counts[i], before.get(i), runs.get(i).reading());
            rows.add(row);
            System.out.println("  shard " + (i + 1) + ": " + row);
          }
          IdleMemoryRow total = sum(rows);
          totals.add(total);
          System.out.printf(
              Locale.ROOT,
              "capacity: %s %s held %d sessions at once (%.0f s to open); per session: heap %.0f B,"
                  + " native %.0f B%n",
              server,
              provider,
              held,
              (System.nanoTime() - start) / 1e9,
              total.heap(),
              total.nativeBytes());
        } finally {
          pool.shutdownNow();
          for (MemoryRun run : runs) {
            run.close();
          }
        }
      }
    }
    System.out.println();
    System.out.println(IdleMemoryRow.HEADER);
    totals.forEach(System.out::println);
    System.out.println();
    System.out.println(IdleMemory.ratios(totals));
  }

  /** The shards' rows as one: every per-session figure weighted by the shard's sessions. */
  static IdleMemoryRow sum(List<IdleMemoryRow> rows) {
    int n = 0;
    double heap = 0;
    double outside = 0;
    double jvm = 0;
    double direct = 0;
    double rss = 0;
    for (IdleMemoryRow r : rows) {
      n += r.sessions();
      heap += r.heap() * r.sessions();
      outside += r.nativeBytes() * r.sessions();
      jvm += r.jvm() * r.sessions();
      direct += r.direct() * r.sessions();
      rss += r.rss() * r.sessions();
    }
    IdleMemoryRow first = rows.get(0);
    return new IdleMemoryRow(
        first.server(), first.provider(), n, heap / n, outside / n, jvm / n, direct / n, rss / n);
  }
}
