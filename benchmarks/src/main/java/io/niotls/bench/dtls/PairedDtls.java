package io.niotls.bench.dtls;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Issue 17's benchmark, interleaved: DTLS 1.2 through niotls's loop ({@code DatagramServer} and
 * {@code DatagramClient}) against a hand-written SSLEngine DTLS loop on DatagramChannels ({@link
 * RawDtlsServer}, {@link RawDtlsClient}), over loopback UDP, in one JVM, with the same contexts
 * (JDK provider, EC P-256 test key, resumption off so every handshake is a full one with the cookie
 * exchange) and the same thread layout: a server loop, a client loop, and the caller waiting for
 * each operation.
 *
 * <p>The subjects alternate block by block ({@code --ops} operations each, the order flipped every
 * block), so each block gives a ratio of two measurements taken within a fraction of a second of
 * each other; the machine's load, GC and JIT affect both alike. The report gives the ratios' median
 * and their geometric mean with a 95% confidence interval (Student's t over the blocks' log
 * ratios), for the wall clock and for the process's CPU time, which other processes on a shared
 * machine disturb less.
 *
 * <ul>
 *   <li><b>handshake</b>: open a socket, full handshake (HelloVerifyRequest included),
 *       close_notify, socket closed. Operations per second.
 *   <li><b>echo</b>: on one established session, {@code --echoes} 1 KiB datagrams one after
 *       another, each sent when the previous one's echo arrived. Round trips per second.
 * </ul>
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.niotls.bench.dtls.PairedDtls \
 *     [--mode handshake,echo] [--warmup-s 30] [--blocks 80] [--ops 10] [--echoes 300]
 * </pre>
 */
public final class PairedDtls {
  static final int MTU = 1400;
  static final double TARGET = 0.95;

  private PairedDtls() {}

  /** One subject's operation. */
  private interface Op {
    void run() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> o = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    List<String> modes = List.of(o.getOrDefault("mode", "handshake,echo").split(","));
    double warmup = Double.parseDouble(o.getOrDefault("warmup-s", "30"));
    int blocks = Integer.parseInt(o.getOrDefault("blocks", "80"));
    int ops = Integer.parseInt(o.getOrDefault("ops", "10"));
    int echoes = Integer.parseInt(o.getOrDefault("echoes", "300"));

    TlsContext client =
        Contexts.client(Provider.JDK, KeyType.EC_P256).datagrams().sessionResumption(false).build();
    TlsContext server = Contexts.server(Provider.JDK, KeyType.EC_P256).datagrams().build();
    System.out.printf(
        Locale.ROOT,
        "DTLS 1.2 over loopback, JDK provider, EC P-256, MTU %d; %s %s; %d CPUs; loadavg %s%n",
        MTU,
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        loadavg());
    try (NiotlsDtls niotls = new NiotlsDtls(client, server, MTU);
        RawDtlsServer rawServer = new RawDtlsServer(server, MTU);
        RawDtlsClient rawClient = new RawDtlsClient(client, MTU)) {
      var rawAddress = rawServer.address();
      for (String mode : modes) {
        Op a;
        Op b;
        String unit;
        int perOp;
        switch (mode) {
          case "handshake" -> {
            a = () -> niotls.handshakeAndClose().get(10, TimeUnit.SECONDS);
            b = () -> rawClient.handshakeAndClose(rawAddress).get(10, TimeUnit.SECONDS);
            unit = "handshakes/s";
            perOp = 1;
          }
          case "echo" -> {
            ByteBuffer payload = ByteBuffer.allocate(1024);
            NiotlsDtls.Echoes n = niotls.connect();
            RawDtlsClient.Session r = rawClient.connect(rawAddress).get(10, TimeUnit.SECONDS);
            a = () -> check(n.run(payload, echoes).get(10, TimeUnit.SECONDS));
            b = () -> check(r.echoes(payload, echoes).get(10, TimeUnit.SECONDS));
            unit = "1 KiB round trips/s";
            perOp = echoes;
          }
          default ->
              throw new IllegalArgumentException(
                  "unknown --mode " + mode + ": give handshake, echo or both (handshake,echo)");
        }
        long end = System.nanoTime() + (long) (warmup * 1e9);
        while (System.nanoTime() < end) {
          a.run();
          b.run();
        }
        double[] wall = new double[blocks];
        double[] cpu = new double[blocks];
        double[] rateA = new double[blocks];
        double[] rateB = new double[blocks];
        Map<String, Long> threadsA = new HashMap<>();
        Map<String, Long> threadsB = new HashMap<>();
        for (int i = 0; i < blocks; i++) {
          long[] ta;
          long[] tb;
          if (i % 2 == 0) {
            ta = time(a, ops, threadsA);
            tb = time(b, ops, threadsB);
          } else {
            tb = time(b, ops, threadsB);
            ta = time(a, ops, threadsA);
          }
          rateA[i] = ops * perOp / (ta[0] / 1e9);
          rateB[i] = ops * perOp / (tb[0] / 1e9);
          wall[i] = Math.log((double) tb[0] / ta[0]);
          cpu[i] = Math.log((double) tb[1] / ta[1]);
        }
        report(mode, unit, ops, perOp, blocks, rateA, rateB, wall, cpu);
        threads((long) blocks * ops * perOp, threadsA, threadsB);
      }
      Thread.sleep(200);
      System.out.printf(
          Locale.ROOT,
          "sessions left on the servers (handshake mode must leave 0; echo mode 1): niotls %d,"
              + " raw %d%n",
          niotls.sessions(),
          rawServer.peers());
    }
    System.out.println("loadavg after: " + loadavg());
  }

  private static void check(int echoed) {
    if (echoed != 1024) {
      throw new IllegalStateException("an echo came back with " + echoed + " bytes, not 1024");
    }
  }

  /**
   * @return wall-clock and process-CPU nanoseconds of {@code n} operations; adds each thread's CPU
   *     time to {@code threads}
   */
  private static long[] time(Op op, int n, Map<String, Long> threads) throws Exception {
    Map<String, Long> cpu0 = threadCpu();
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      op.run();
    }
    long wall = System.nanoTime() - t0;
    Map<String, Long> cpu1 = threadCpu();
    addDelta(threads, cpu0, cpu1);
    return new long[] {wall, withoutJit(cpu1) - withoutJit(cpu0)};
  }

  /**
   * The CPU time of each of the process's threads (GC and JIT included), by name: the time on a CPU
   * in {@code /proc/self/task/N/schedstat}, which counts nanoseconds; the JVM's {@code
   * getProcessCpuTime()} counts in scheduler ticks (10 ms here), too coarse for a block.
   */
  private static Map<String, Long> threadCpu() {
    Map<String, Long> byName = new HashMap<>();
    try (var tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (var task : tasks) {
        try {
          String s = Files.readString(task.resolve("schedstat"));
          String name = Files.readString(task.resolve("comm")).trim();
          byName.merge(name, Long.parseLong(s.substring(0, s.indexOf(' '))), Long::sum);
        } catch (IOException | RuntimeException gone) {
          // a thread that ended since the listing: its time is lost to both subjects alike
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("this benchmark reads /proc/self/task (Linux)", e);
    }
    return byName;
  }

  /**
   * The CPU time of every thread but the JIT compilers': compilation is warm-up, and it lands in
   * whichever subject's block happens to run when the compiler gets to a method (it was 40% of the
   * process's CPU time after 10 s of warm-up on a loaded machine), not in the subject that caused
   * it.
   */
  private static long withoutJit(Map<String, Long> cpu) {
    long sum = 0;
    for (Map.Entry<String, Long> e : cpu.entrySet()) {
      if (!e.getKey().contains("CompilerThre")) {
        sum += e.getValue();
      }
    }
    return sum;
  }

  private static long sum(Map<String, Long> cpu) {
    return cpu.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Adds each thread's CPU time from {@code before} to {@code after} into {@code into}. */
  private static void addDelta(
      Map<String, Long> into, Map<String, Long> before, Map<String, Long> after) {
    after.forEach((k, v) -> into.merge(k, v - before.getOrDefault(k, 0L), Long::sum));
  }

  private static void report(
      String mode,
      String unit,
      int ops,
      int perOp,
      int blocks,
      double[] rateA,
      double[] rateB,
      double[] wall,
      double[] cpu) {
    System.out.printf(
        Locale.ROOT,
        "%n%s: %d blocks, each %d operation(s) per subject (%d counted per operation), order"
            + " flipped every block%n",
        mode,
        blocks,
        ops,
        perOp);
    System.out.printf(
        Locale.ROOT,
        "  %s median: niotls %,.0f, raw SSLEngine loop %,.0f%n",
        unit,
        median(rateA),
        median(rateB));
    line("wall clock", wall);
    line("CPU w/o JIT", cpu);
  }

  private static void line(String what, double[] logRatios) {
    int n = logRatios.length;
    double mean = Arrays.stream(logRatios).average().orElse(Double.NaN);
    double var = 0;
    for (double x : logRatios) {
      var += (x - mean) * (x - mean);
    }
    double se = Math.sqrt(var / (n - 1) / n);
    double t = tQuantile975(n - 1);
    double[] ratios = Arrays.stream(logRatios).map(Math::exp).toArray();
    double lo = Math.exp(mean - t * se);
    double hi = Math.exp(mean + t * se);
    String verdict = lo >= TARGET ? "meets" : hi < TARGET ? "misses" : "undecided against";
    System.out.printf(
        Locale.ROOT,
        "  niotls / raw, %-11s: median %.3f, geometric mean %.3f, 95%% CI %.3f-%.3f: %s the"
            + " %.2f target%n",
        what,
        median(ratios),
        Math.exp(mean),
        lo,
        hi,
        verdict,
        TARGET);
  }

  /** CPU microseconds per counted unit, by thread, for the threads that used at least 1%. */
  private static void threads(long units, Map<String, Long> a, Map<String, Long> b) {
    long total = sum(a) + sum(b);
    System.out.println("  CPU us per unit by thread (niotls's blocks | raw's blocks):");
    java.util.TreeSet<String> names = new java.util.TreeSet<>(a.keySet());
    names.addAll(b.keySet());
    for (String name : names) {
      long x = a.getOrDefault(name, 0L);
      long y = b.getOrDefault(name, 0L);
      if (x + y >= total / 100) {
        System.out.printf(
            Locale.ROOT, "    %-18s %9.1f | %9.1f%n", name, x / 1e3 / units, y / 1e3 / units);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "    %-18s %9.1f | %9.1f%n",
        "all",
        sum(a) / 1e3 / units,
        sum(b) / 1e3 / units);
  }

  private static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /** Student's t, two-sided 95%, for {@code df} degrees of freedom (table, then normal). */
  private static double tQuantile975(int df) {
    double[][] table = {
      {1, 12.706}, {2, 4.303}, {3, 3.182}, {4, 2.776}, {5, 2.571}, {6, 2.447}, {8, 2.306},
      {10, 2.228}, {15, 2.131}, {20, 2.086}, {30, 2.042}, {40, 2.021}, {60, 2.000}, {120, 1.980}
    };
    double t = 1.96;
    for (int i = table.length - 1; i >= 0; i--) {
      if (df <= table[i][0]) {
        t = table[i][1];
      }
    }
    return t;
  }

  private static String loadavg() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
