package io.niotls.bench.loop;

import io.niotls.bench.vthreads.JavaBinary;
import io.niotls.bench.vthreads.VirtualThreadServer;
import io.niotls.context.TlsContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Issue 16's benchmarks, in one run: niotls's blocking {@code TlsChannel} on virtual threads
 * ({@code vt-channel}) against the JDK's {@code SSLSocket} on virtual threads ({@code
 * vt-sslsocket}), same provider (JDK), key, protocol, suites and client, with niotls's {@code
 * TlsServer} on its selector loop (JDK provider) for reference. Every server runs alone in a child
 * JVM of its own ({@link MemoryServer}) on a JDK 21+ ({@code --java}, default {@link JavaBinary}),
 * all of them up for the whole run; the clients run in this JVM (any release). Three phases, each
 * in rounds that give every server its turn in an order that rotates, so that each ratio compares
 * numbers taken seconds apart:
 *
 * <ol>
 *   <li><b>memory</b>: per idle connection at {@code --sessions} (10,000) connections, heap after
 *       full GC and resident memory (RSS), as {@link IdleMemory} measures it (a {@link
 *       MemoryClient} JVM per server holds the connections). A virtual thread's stack, parked, is
 *       on the heap;
 *   <li><b>handshake</b>: full handshakes per second, {@link HandshakeLoad} (connect, handshake,
 *       close_notify, close; BoringSSL client, no resumption), {@code --in-flight} at a time;
 *   <li><b>echo</b>: MB/s echoed, {@link EchoLoad}: {@code --connections} established connections,
 *       one {@code --message} (16 KiB) in flight on each.
 * </ol>
 *
 * Server CPU is the whole server process's (carrier threads, GC, JIT). Each virtual-thread
 * connection holds its echo buffer while idle ({@code --buffer}, 16 KiB as in the README), the same
 * for both kinds; a smaller one shows the TLS's own share of the memory. {@code --server-jvm} adds
 * options to every server JVM, e.g. {@code -XX:StartFlightRecording=filename=vt-%p.jfr} to profile
 * them (JFR names each file by its process id).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.niotls.bench.loop.VirtualThreadBench \
 *     [--java /path/to/jdk-21+/bin/java] [--servers vt-channel,vt-sslsocket,niotls] \
 *     [--phases memory,handshake,echo] [--sessions 10000] [--warmup 2000] [--rounds 3] \
 *     [--window-ms 2000] [--in-flight 32] [--connections 16] [--message 16384] [--heap 1g] \
 *     [--protocol TLSv1.3] [--loops 2] [--buffer 16384] [--server-jvm "-XX:... -D..."] \
 *     [--histogram DIR]
 * </pre>
 */
public final class VirtualThreadBench {
  private VirtualThreadBench() {}

  /** What one server scored, summed over its rounds. */
  private static final class Score {
    double heap = Double.NaN;
    double nativeBytes = Double.NaN;
    double rss = Double.NaN;

    /** What IdleMemory counts per idle connection: heap, and native when it grew. */
    double memory() {
      return heap + Math.max(0, nativeBytes);
    }

    long handshakes;
    long handshakeNanos;
    long handshakeCpu;
    long echoBytes;
    long echoNanos;
    long echoCpu;

    double handshakesPerSecond() {
      return handshakeNanos == 0 ? Double.NaN : handshakes * 1e9 / handshakeNanos;
    }

    double cpuMicrosPerHandshake() {
      return handshakes == 0 ? Double.NaN : handshakeCpu / 1e3 / handshakes;
    }

    double megabytesPerSecond() {
      return echoNanos == 0 ? Double.NaN : echoBytes * 1e3 / echoNanos;
    }

    double cpuMicrosPerMegabyte() {
      return echoBytes == 0 ? Double.NaN : echoCpu / 1e3 / (echoBytes / 1e6);
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> o = IdleMemory.options(args);
    List<String> servers =
        List.of(o.getOrDefault("servers", "vt-channel,vt-sslsocket,niotls").split(","));
    List<String> phases = List.of(o.getOrDefault("phases", "memory,handshake,echo").split(","));
    String protocol = o.getOrDefault("protocol", "TLSv1.3");
    int sessions = Integer.parseInt(o.getOrDefault("sessions", "10000"));
    int warmup = Integer.parseInt(o.getOrDefault("warmup", "2000"));
    int rounds = Integer.parseInt(o.getOrDefault("rounds", "3"));
    long window = Long.parseLong(o.getOrDefault("window-ms", "2000")) * 1_000_000L;
    int inFlight = Integer.parseInt(o.getOrDefault("in-flight", "32"));
    int connections = Integer.parseInt(o.getOrDefault("connections", "16"));
    int message = Integer.parseInt(o.getOrDefault("message", "16384"));
    String java = JavaBinary.resolve(o.get("java"));
    System.out.println(
        "server JVM "
            + java
            + "; client JVM "
            + System.getProperty("java.home")
            + " (Java "
            + Runtime.version().feature()
            + "); load "
            + load());

    Map<String, Score> scores = new LinkedHashMap<>();
    List<MemoryRun> runs = new ArrayList<>();
    try {
      for (String server : servers) {
        MemoryRun.Spec spec =
            new MemoryRun.Spec(
                server,
                "JDK",
                protocol,
                "127.0.0.1",
                o.getOrDefault("heap", "1g"),
                o.getOrDefault("client-heap", "1g"),
                Integer.parseInt(o.getOrDefault("loops", "2")),
                200,
                serverJvm(o),
                java);
        runs.add(MemoryRun.start(spec));
        scores.put(server, new Score());
      }
      TlsContext client = null;
      if (phases.contains("memory")) {
        System.out.println("== memory: warm-up " + warmup + ", then " + sessions + " idle");
        System.out.println(IdleMemoryRow.HEADER);
        for (MemoryRun run : runs) {
          run.warmUp(warmup);
        }
        for (MemoryRun run : rotated(runs, 0)) {
          IdleMemoryRow row = run.measure(sessions);
          System.out.println(row + "   load " + load());
          Score s = scores.get(row.server());
          s.heap = row.heap();
          s.nativeBytes = row.nativeBytes();
          s.rss = row.rss();
        }
        if (o.containsKey("histogram")) {
          for (MemoryRun run : runs) {
            histogram(run, sessions, Path.of(o.get("histogram")), java);
          }
        }
      }
      if (phases.contains("handshake") || phases.contains("echo")) {
        // every server JVM made its own certificate: the one client trusts each by its fingerprint
        client =
            LoopPki.clientContext(
                protocol, runs.stream().map(MemoryRun::fingerprint).toArray(String[]::new));
      }
      if (phases.contains("handshake")) {
        System.out.println("== handshake: " + inFlight + " in flight, " + rounds + " rounds");
        try (HandshakeLoad load =
            HandshakeLoad.start(client, protocol, LoopbackRounds.CLIENT_LOOPS)) {
          long warm = window / 4 + inFlight * 1_000_000L;
          for (int r = -1; r < rounds; r++) { // round -1 warms every server up, uncounted
            for (MemoryRun run : rotated(runs, r + 1)) {
              ChildServer server = new ChildServer(run);
              HandshakeLoad.Round round = load.run(server, inFlight, warm, window);
              System.out.printf(
                  Locale.ROOT,
                  "%s %-12s %8.0f handshakes/s  server cpu %6.0f us/handshake  load %s%n",
                  r < 0 ? "warm " : "round",
                  server.name(),
                  round.perSecond(),
                  round.serverCpuNanos() / 1e3 / Math.max(1, round.connections()),
                  load());
              if (r >= 0) {
                Score s = scores.get(server.name());
                s.handshakes += round.connections();
                s.handshakeNanos += round.nanos();
                s.handshakeCpu += round.serverCpuNanos();
              }
            }
          }
        }
      }
      if (phases.contains("echo")) {
        System.out.println(
            "== echo: "
                + connections
                + " connections, "
                + message
                + " bytes, "
                + rounds
                + " rounds");
        try (EchoLoad load = EchoLoad.start(client, LoopbackRounds.CLIENT_LOOPS)) {
          long warm = window / 4 + connections * 1_000_000L;
          for (int r = -1; r < rounds; r++) {
            for (MemoryRun run : rotated(runs, r + 1)) {
              ChildServer server = new ChildServer(run);
              EchoLoad.Round round = load.run(server, connections, message, warm, window);
              System.out.printf(
                  Locale.ROOT,
                  "%s %-12s %8.1f MB/s  server cpu %6.0f us/MB  load %s%n",
                  r < 0 ? "warm " : "round",
                  server.name(),
                  round.megabytesPerSecond(),
                  round.serverCpuNanos() / 1e3 / Math.max(1e-9, round.bytes() / 1e6),
                  load());
              if (r >= 0) {
                Score s = scores.get(server.name());
                s.echoBytes += round.bytes();
                s.echoNanos += round.nanos();
                s.echoCpu += round.serverCpuNanos();
              }
            }
          }
        }
      }
    } finally {
      for (MemoryRun run : runs) {
        run.close();
      }
    }
    System.out.println();
    System.out.println(table(scores));
    System.out.println("load after " + load());
  }

  /**
   * {@code --histogram DIR}: holds {@code sessions / 2} idle connections, writes the server JVM's
   * live-object histogram ({@code jcmd <pid> GC.class_histogram}, after a full GC) to {@code
   * DIR/<server>-half.histogram}, opens as many more and writes {@code DIR/<server>.histogram}, and
   * prints what the second half added per connection, class by class: what an idle connection
   * holds, without the JVM's baseline (classes, JIT, pools) that the first half carries.
   */
  private static void histogram(MemoryRun run, int sessions, Path dir, String java)
      throws IOException, InterruptedException {
    int half = sessions / 2;
    Files.createDirectories(dir);
    String name = run.spec().server();
    run.hold(half);
    Thread.sleep(1000); // idle, as measure() leaves them
    Map<String, long[]> first = classHistogram(run, dir.resolve(name + "-half.histogram"), java);
    run.hold(sessions - half);
    Thread.sleep(1000);
    Map<String, long[]> second = classHistogram(run, dir.resolve(name + ".histogram"), java);
    run.closeAll();
    int added = sessions - half;
    List<Map.Entry<String, long[]>> diff = new ArrayList<>();
    long total = 0;
    for (Map.Entry<String, long[]> e : second.entrySet()) {
      long[] was = first.getOrDefault(e.getKey(), new long[2]);
      long[] d = {e.getValue()[0] - was[0], e.getValue()[1] - was[1]};
      total += d[1];
      diff.add(Map.entry(e.getKey(), d));
    }
    diff.sort((a, b) -> Long.compare(Math.abs(b.getValue()[1]), Math.abs(a.getValue()[1])));
    System.out.printf(
        Locale.ROOT,
        "histogram of %s, %d -> %d idle connections (%s): %.0f B per added connection%n",
        name,
        half,
        sessions,
        dir.resolve(name + ".histogram"),
        total / (double) added);
    for (Map.Entry<String, long[]> e : diff.subList(0, Math.min(30, diff.size()))) {
      System.out.printf(
          Locale.ROOT,
          "  %9.1f B %7.2f objects  %s%n",
          e.getValue()[1] / (double) added,
          e.getValue()[0] / (double) added,
          e.getKey());
    }
  }

  /** Writes the server's class histogram to {@code out}; by class: {instances, bytes}. */
  private static Map<String, long[]> classHistogram(MemoryRun run, Path out, String java)
      throws IOException, InterruptedException {
    Path jcmd = Path.of(java).toAbsolutePath().resolveSibling("jcmd");
    Process p =
        new ProcessBuilder(jcmd.toString(), Long.toString(run.serverPid()), "GC.class_histogram")
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("jcmd GC.class_histogram took over 2 minutes");
    }
    Map<String, long[]> classes = new LinkedHashMap<>();
    for (String line : Files.readAllLines(out)) {
      // "   1:        123456       7890123  [B (java.base@25)"
      String[] f = line.trim().split("\\s+");
      if (f.length >= 4 && f[0].endsWith(":") && !f[0].equals("Total")) {
        classes.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
      }
    }
    return classes;
  }

  /** The server JVMs' extra options: {@code --buffer}, and {@code --server-jvm} split at spaces. */
  static List<String> serverJvm(Map<String, String> o) {
    List<String> jvm = new ArrayList<>();
    if (o.containsKey("buffer")) {
      jvm.add("-D" + VirtualThreadServer.BUFFER_PROPERTY + "=" + o.get("buffer"));
    }
    String extra = o.getOrDefault("server-jvm", "").trim();
    if (!extra.isEmpty()) {
      jvm.addAll(List.of(extra.split(" +")));
    }
    return jvm;
  }

  /** {@code list} rotated left by {@code by}: round r starts with the r-th server. */
  static <T> List<T> rotated(List<T> list, int by) {
    List<T> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      out.add(list.get((by + i) % list.size()));
    }
    return out;
  }

  private static String table(Map<String, Score> scores) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "%-26s %9s %9s %9s %9s %13s %10s %10s %10s%n",
            "server",
            "heap B/c",
            "native",
            "mem B/c",
            "rss B/c",
            "handshakes/s",
            "cpu us/hs",
            "echo MB/s",
            "cpu us/MB"));
    for (Map.Entry<String, Score> e : scores.entrySet()) {
      Score s = e.getValue();
      out.append(
          String.format(
              Locale.ROOT,
              "%-26s %9.0f %9.0f %9.0f %9.0f %13.0f %10.0f %10.1f %10.0f%n",
              e.getKey(),
              s.heap,
              s.nativeBytes,
              s.memory(),
              s.rss,
              s.handshakesPerSecond(),
              s.cpuMicrosPerHandshake(),
              s.megabytesPerSecond(),
              s.cpuMicrosPerMegabyte()));
    }
    Score base = scores.get("vt-sslsocket");
    if (base != null) {
      for (Map.Entry<String, Score> e : scores.entrySet()) {
        if (e.getKey().equals("vt-sslsocket")) {
          continue;
        }
        Score s = e.getValue();
        out.append(
            String.format(
                Locale.ROOT,
                "%-26s %9.2f %9s %9.2f %9s %13.2f %10.2f %10.2f %10.2f%n",
                e.getKey() + " / vt-sslsocket",
                s.heap / base.heap,
                "",
                s.memory() / base.memory(),
                "",
                s.handshakesPerSecond() / base.handshakesPerSecond(),
                s.cpuMicrosPerHandshake() / base.cpuMicrosPerHandshake(),
                s.megabytesPerSecond() / base.megabytesPerSecond(),
                s.cpuMicrosPerMegabyte() / base.cpuMicrosPerMegabyte()));
      }
      out.append(
          "targets (issue 16), vt-channel / vt-sslsocket: memory per idle connection (mem: heap,"
              + " plus native when it grew) <= 0.7, handshakes/s and echo MB/s >= 1.2\n");
    }
    return out.toString();
  }

  /** The 1, 5 and 15 minute load averages, for the record: other work shares the machine. */
  static String load() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }
}
