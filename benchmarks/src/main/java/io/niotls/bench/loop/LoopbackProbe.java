package io.niotls.bench.loop;

import io.niotls.context.Provider;
import java.util.List;
import java.util.Locale;

/**
 * Loads one server for a while, one round per second, and prints each round: for profiling one side
 * (attach a profiler to this process) and for reading latencies, outside JMH.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.niotls.bench.loop.LoopbackProbe \
 *     niotls OPENSSL TLSv1.3 64 2 10    # server provider protocol inFlight serverLoops seconds
 * </pre>
 */
public final class LoopbackProbe {
  private LoopbackProbe() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 6) {
      System.err.println(
          "usage: LoopbackProbe niotls|netty|openssl JDK|OPENSSL TLSv1.3|TLSv1.2 inFlight"
              + " serverLoops seconds");
      System.exit(2);
    }
    String server = args[0];
    Provider provider = Provider.valueOf(args[1]);
    String protocol = args[2];
    int inFlight = Integer.parseInt(args[3]);
    int loops = Integer.parseInt(args[4]);
    int seconds = Integer.parseInt(args[5]);
    try (LoopbackRounds rounds =
        new LoopbackRounds(provider, protocol, loops, List.of(server), inFlight, 1_000_000_000L)) {
      for (int i = 0; i < seconds; i++) {
        LoopCounters c = new LoopCounters();
        rounds.round(c);
        System.out.println(line(server, c));
      }
    }
  }

  private static String line(String server, LoopCounters c) {
    String subject =
        switch (server) {
          case "niotls" -> "TlsServer";
          case "netty" -> "NettyServer";
          default -> "OpensslServer";
        };
    LoopCounters.Sums t = c.sums(subject);
    double per = Math.max(1, t.ops());
    return String.format(
        Locale.ROOT,
        "%s %.0f/s  server cpu %.0f us  client cpu %.0f us  handshake %.2f ms  close %.2f ms"
            + "  (server %.0f%%, client %.0f%% of a core)",
        server,
        t.ops() * 1e9 / t.wallNs(),
        t.cpuNs() / per / 1e3,
        t.clientCpuNs() / per / 1e3,
        t.handshakeNs() / per / 1e6,
        t.closeNs() / per / 1e6,
        t.cpuNs() * 100.0 / t.wallNs(),
        t.clientCpuNs() * 100.0 / t.wallNs());
  }
}
