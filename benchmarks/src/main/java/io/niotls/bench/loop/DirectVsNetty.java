package io.niotls.bench.loop;

import io.niotls.context.Provider;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 13's two loopback comparisons in one run: niotls's {@code TlsServer} on the BORINGSSL
 * provider (BoringSSL driven directly) against a Netty NIO server with {@code SslHandler} on
 * Netty's OpenSSL engine (the same BoringSSL, through Netty's {@code SSLEngine}), same key,
 * protocol and suites.
 *
 * <ol>
 *   <li><b>Idle memory per session</b> at {@code --sessions} (10,000) established, idle sessions:
 *       each server alone in its JVM, the client in another, measured as {@link IdleMemory} does
 *       (heap after full GCs, and native memory: glibc's bytes in use less the JVM's own malloc).
 *       Target: TlsServer / Netty ≤ 0.6 (heap + native).
 *   <li><b>Server CPU per full handshake</b> over loopback: both servers in this JVM, loaded in
 *       turns by one client ({@link LoopbackRounds}: rounds that rotate, so both servers see the
 *       same load), after warm-up rounds. Target: handshakes per server CPU second, TlsServer /
 *       Netty ≥ 1.15. The client only handshakes and closes, so Netty's server, which holds its TLS
 *       1.3 tickets until its first write, sends none, while TlsServer sends its two (and so one
 *       write more per connection); {@code --niotls-tickets off} takes them out of TlsServer too,
 *       to compare the two servers doing the same work.
 * </ol>
 *
 * The memory part runs first, while this JVM is idle; the CPU part's servers come up only after.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.niotls.bench.loop.DirectVsNetty \
 *     [--sessions 10000] [--protocol TLSv1.3] [--loops 2] [--heap 1g] [--warmup 2000] \
 *     [--concurrency 64] [--warmup-rounds 24] [--rounds 30] [--window-ms 1000] \
 *     [--niotls-tickets on|off]
 * </pre>
 */
public final class DirectVsNetty {
  /** The targets: at most this much memory per idle session, at least this CPU speed-up. */
  static final double MEMORY_TARGET = 0.6;

  static final double CPU_TARGET = 1.15;

  private DirectVsNetty() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = IdleMemory.options(args);
    int sessions = Integer.parseInt(o.getOrDefault("sessions", "10000"));
    String protocol = o.getOrDefault("protocol", "TLSv1.3");
    int loops = Integer.parseInt(o.getOrDefault("loops", "2"));
    String heap = o.getOrDefault("heap", "1g");
    int warmup = Integer.parseInt(o.getOrDefault("warmup", "2000"));
    int concurrency = Integer.parseInt(o.getOrDefault("concurrency", "64"));
    int warmupRounds = Integer.parseInt(o.getOrDefault("warmup-rounds", "24"));
    int rounds = Integer.parseInt(o.getOrDefault("rounds", "30"));
    long window = Long.parseLong(o.getOrDefault("window-ms", "1000")) * 1_000_000L;
    boolean tickets = !"off".equals(o.getOrDefault("niotls-tickets", "on"));

    System.out.printf(
        Locale.ROOT,
        "direct vs netty: TlsServer on BORINGSSL against Netty SslHandler on Netty's OpenSSL"
            + " engine, %s, %d server loops%n",
        protocol,
        loops);
    List<IdleMemoryRow> memory = new ArrayList<>();
    System.out.println(IdleMemoryRow.HEADER);
    for (String server : List.of("niotls", "netty")) {
      // "BORINGSSL" for both: MemoryServer gives niotls the direct driver and Netty its OpenSSL
      // engine (LoopPki.nettyServerContext), over the same BoringSSL
      MemoryRun.Spec spec =
          new MemoryRun.Spec(
              server, "BORINGSSL", protocol, "127.0.0.1", heap, heap, loops, 200, List.of());
      try (MemoryRun run = MemoryRun.start(spec)) {
        run.warmUp(warmup);
        IdleMemoryRow row = run.measure(sessions);
        memory.add(row);
        System.out.println(row);
      }
    }

    LoopCounters counters = new LoopCounters();
    try (LoopbackRounds load =
        new LoopbackRounds(
            Provider.BORINGSSL,
            protocol,
            loops,
            List.of("niotls", "netty"),
            concurrency,
            window,
            tickets)) {
      for (int i = 0; i < warmupRounds; i++) {
        load.round(counters);
      }
      counters.reset();
      for (int i = 0; i < rounds; i++) {
        load.round(counters);
      }
    }
    System.out.println();
    System.out.print(
        summary(
            memory.get(0),
            memory.get(1),
            counters.sums("TlsServer"),
            counters.sums("NettyServer"),
            concurrency));
  }

  /** The two results as a Markdown table, with the ratios and the targets. */
  static String summary(
      IdleMemoryRow ours,
      IdleMemoryRow theirs,
      LoopCounters.Sums tlsServer,
      LoopCounters.Sums netty,
      int concurrency) {
    double ourMemory = ours.heap() + Math.max(0, ours.nativeBytes());
    double theirMemory = theirs.heap() + Math.max(0, theirs.nativeBytes());
    double memoryRatio = ourMemory / theirMemory;
    double ourCpu = (double) tlsServer.cpuNs() / tlsServer.ops();
    double theirCpu = (double) netty.cpuNs() / netty.ops();
    double cpuRatio = theirCpu / ourCpu; // handshakes per server CPU second, ours / theirs
    double ourRate = tlsServer.ops() * 1e9 / tlsServer.wallNs();
    double theirRate = netty.ops() * 1e9 / netty.wallNs();
    StringBuilder b = new StringBuilder();
    b.append("| | TlsServer (BORINGSSL, direct) | Netty SslHandler (OpenSSL engine) | ratio |")
        .append(" target |\n| --- | ---: | ---: | ---: | ---: |\n");
    b.append(
        String.format(
            Locale.ROOT,
            "| idle session, %,d sessions: heap + native | %,.0f B (heap %,.0f B) |"
                + " %,.0f B (heap %,.0f B) | %.2f | ≤ %.2f %s |%n",
            ours.sessions(),
            ourMemory,
            ours.heap(),
            theirMemory,
            theirs.heap(),
            memoryRatio,
            MEMORY_TARGET,
            memoryRatio <= MEMORY_TARGET ? "met" : "MISSED"));
    b.append(
        String.format(
            Locale.ROOT,
            "| server CPU per full handshake (%d in flight) | %.1f µs | %.1f µs | %.2f | ≥ %.2f %s"
                + " |%n",
            concurrency,
            ourCpu / 1000,
            theirCpu / 1000,
            cpuRatio,
            CPU_TARGET,
            cpuRatio >= CPU_TARGET ? "met" : "MISSED"));
    b.append(
        String.format(
            Locale.ROOT,
            "| full handshakes per second (wall clock) | %,.0f | %,.0f | %.2f | |%n",
            ourRate,
            theirRate,
            ourRate / theirRate));
    return b.toString();
  }
}
