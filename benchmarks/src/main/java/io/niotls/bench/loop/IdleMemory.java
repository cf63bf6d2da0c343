package io.niotls.bench.loop;

import io.niotls.bench.vthreads.JavaBinary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Memory per idle established TLS session, niotls's {@code TlsServer} against a Netty server with
 * {@code SslHandler}, for each provider and session count. The server runs alone in one JVM ({@link
 * MemoryServer}), the client in another ({@link MemoryClient}), so the server's figures hold
 * nothing of the client's.
 *
 * <p>Method, per server and provider: a warm-up opens and closes some sessions (classes loaded,
 * JIT, pools and arenas filled); then for each count N: with no session open, full GCs and a
 * baseline; N sessions opened and left idle; full GCs and a second reading. Per session:
 *
 * <ul>
 *   <li><b>heap</b>: Java heap used after full GC, difference / N;
 *   <li><b>native</b>: memory malloc'd outside the JVM (BoringSSL's SSL objects and buffers, JNI),
 *       difference / N: glibc's {@code mallinfo2()} bytes in use (called through the foreign
 *       linker, {@link Mallinfo}) minus what the JVM itself malloc'd (its Native Memory Tracking
 *       total). Counted in bytes handed out, not pages, so it does not move with fragmentation; the
 *       resident size (RSS), printed beside it, does: it varied by a kilobyte per session from run
 *       to run even after {@code System.trim_native_heap}. The server JVM runs with {@code -Xms =
 *       -Xmx} and {@code -XX:+AlwaysPreTouch}, so none of the RSS growth is heap;
 *   <li><b>jvm</b>: how the JVM's own committed native memory moved (JIT arenas, GC structures):
 *       printed, not counted, since it is mostly compilation noise;
 *   <li><b>direct</b>: direct ByteBuffers, by the JDK's count plus Netty's own count of the direct
 *       memory it allocates without a cleaner (both included in native).
 * </ul>
 *
 * Kernel socket memory is in neither process's RSS and is the same for both servers.
 *
 * <p>For a native figure that holds still from reading to reading, every server JVM runs with
 * glibc's per-thread malloc cache off and two arenas at most ({@link MemoryRun#SERVER_MALLOC}:
 * mallinfo2() counts what those caches hold as in use), and every reading waits until the server
 * JVM is quiet, its process using less than 2% of a CPU for a second ({@link MemoryRun#awaitQuiet},
 * at most 30 s), so that no JIT compilation or GC is under way.
 *
 * <p>{@code --servers vt-channel,vt-sslsocket --providers JDK} compares the virtual-thread servers
 * instead (niotls's {@code TlsChannel} against the JDK's {@code SSLSocket}, a virtual thread per
 * connection); their server JVM runs on {@code --java} (a JDK 21+'s {@code bin/java}), by default
 * the newest JDK 21+ found ({@link JavaBinary}). The client stays on this JVM.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.niotls.bench.loop.IdleMemory \
 *     [--servers niotls,netty] [--providers JDK,OPENSSL] [--protocol TLSv1.3] \
 *     [--sessions 1000,10000] [--hosts 127.0.0.1[,127.0.0.2...]] [--heap 1g] [--loops 2] \
 *     [--warmup 2000] [--in-flight 200] [--client-heap 1g] [--server-jvm "-Dname=value ..."]
 *     [--java /path/to/jdk-21+/bin/java]
 * </pre>
 */
public final class IdleMemory {
  private IdleMemory() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = options(args);
    List<String> servers = List.of(o.getOrDefault("servers", "niotls,netty").split(","));
    List<String> providers = List.of(o.getOrDefault("providers", "JDK,OPENSSL").split(","));
    List<Integer> counts = new ArrayList<>();
    for (String n : o.getOrDefault("sessions", "1000,10000").split(",")) {
      counts.add(Integer.parseInt(n));
    }
    String extra = o.getOrDefault("server-jvm", "").trim();
    int warmup = Integer.parseInt(o.getOrDefault("warmup", "2000"));
    String java =
        o.containsKey("java") || servers.stream().anyMatch(s -> s.startsWith("vt-"))
            ? JavaBinary.resolve(o.get("java"))
            : null;

    List<IdleMemoryRow> rows = new ArrayList<>();
    System.out.println(IdleMemoryRow.HEADER);
    for (String provider : providers) {
      for (String server : servers) {
        MemoryRun.Spec spec =
            new MemoryRun.Spec(
                server,
                provider,
                o.getOrDefault("protocol", "TLSv1.3"),
                o.getOrDefault("hosts", "127.0.0.1"),
                o.getOrDefault("heap", "1g"),
                o.getOrDefault("client-heap", "1g"),
                Integer.parseInt(o.getOrDefault("loops", "2")),
                Integer.parseInt(o.getOrDefault("in-flight", "200")),
                extra.isEmpty() ? List.of() : List.of(extra.split(" +")),
                java);
        try (MemoryRun run = MemoryRun.start(spec)) {
          run.warmUp(warmup);
          for (int n : counts) {
            IdleMemoryRow row = run.measure(n);
            rows.add(row);
            System.out.println(row);
          }
        }
      }
    }
    System.out.println();
    System.out.println(ratios(rows));
  }

  /** Ours against theirs per idle session: niotls / netty, and vt-channel / vt-sslsocket. */
  static String ratios(List<IdleMemoryRow> rows) {
    return ratios(rows, "niotls", "netty") + ratios(rows, "vt-channel", "vt-sslsocket");
  }

  private static String ratios(List<IdleMemoryRow> rows, String us, String them) {
    if (rows.stream().noneMatch(r -> r.server().equals(us))
        || rows.stream().noneMatch(r -> r.server().equals(them))) {
      return "";
    }
    StringBuilder out = new StringBuilder(us + " / " + them + " per idle session:\n");
    for (IdleMemoryRow ours : rows) {
      if (!ours.server().equals(us)) {
        continue;
      }
      for (IdleMemoryRow theirs : rows) {
        if (theirs.server().equals(them)
            && theirs.provider().equals(ours.provider())
            && theirs.sessions() == ours.sessions()) {
          out.append(
              String.format(
                  Locale.ROOT,
                  "%-8s %7d  heap %.2f  native %s  heap+native %.2f  rss %.2f%n",
                  ours.provider(),
                  ours.sessions(),
                  ours.heap() / theirs.heap(),
                  Math.abs(theirs.nativeBytes()) < 64
                      ? "n/a (" + them + " ~0)"
                      : String.format(
                          Locale.ROOT, "%.2f", ours.nativeBytes() / theirs.nativeBytes()),
                  (ours.heap() + Math.max(0, ours.nativeBytes()))
                      / (theirs.heap() + Math.max(0, theirs.nativeBytes())),
                  ours.rss() / theirs.rss()));
        }
      }
    }
    return out.toString();
  }

  /** {@code --name value} pairs, in order. */
  static Map<String, String> options(String[] args) {
    Map<String, String> o = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("options are --name value, got " + args[i]);
      }
      o.put(args[i].substring(2), args[i + 1]);
    }
    return o;
  }
}
