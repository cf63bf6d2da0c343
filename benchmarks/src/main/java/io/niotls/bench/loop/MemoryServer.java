package io.niotls.bench.loop;

import io.niotls.bench.vthreads.VtChannelServer;
import io.niotls.bench.vthreads.VtSslSocketServer;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * The server side of {@link IdleMemory}, alone in its JVM so that its memory is its sessions' and
 * nothing else's. Starts niotls's or the Netty server, prints {@code ready <fingerprint>
 * <host:port>...}, then answers commands on stdin, one line each:
 *
 * <ul>
 *   <li>{@code sessions}: {@code sessions <n>}, the connections the server holds;
 *   <li>{@code measure}: full GCs, malloc's free pages given back, then {@code memory <sessions>
 *       <heapUsed> <rssAnon> <nonHeapUsed> <jdkDirect> <nettyDirect> <jvmCommitted> <mallocInUse>
 *       <jvmMalloc>} in bytes ({@code -1} when unknown);
 *   <li>{@code quit}: closes the server and exits.
 * </ul>
 *
 * <pre>
 * java -cp benchmarks.jar io.niotls.bench.loop.MemoryServer niotls|niotls-features[-nolimits]|netty|vt-channel|vt-sslsocket JDK|OPENSSL
 *     TLSv1.3 loops host[,host...]</pre>
 */
public final class MemoryServer {
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  private MemoryServer() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    String kind = args[0];
    Provider provider = Provider.valueOf(args[1]);
    LoopPki pki = LoopPki.create(args[2]);
    int loops = Integer.parseInt(args[3]);
    List<String> hosts = List.of(args[4].split(","));
    TlsContext context = pki.serverContext(provider);
    LoopbackServer server =
        switch (kind) {
          case "niotls" -> NiotlsServer.start(context, loops, hosts);
          case "niotls-features" -> FeaturesServer.start(pki, provider, loops, hosts, true);
          case "niotls-features-nolimits" ->
              FeaturesServer.start(pki, provider, loops, hosts, false);
          case "netty" ->
              NettyServer.start(pki.nettyServerContext(provider, context), loops, hosts);
          case "vt-channel" -> VtChannelServer.start(context, oneHost(kind, hosts));
          case "vt-sslsocket" -> VtSslSocketServer.start(context, oneHost(kind, hosts));
          default ->
              throw new IllegalArgumentException(
                  "niotls, niotls-features[-nolimits], netty, vt-channel or vt-sslsocket, not "
                      + kind);
        };
    try {
      System.out.println(
          "ready "
              + pki.fingerprint()
              + " "
              + server.addresses().stream()
                  .map(MemoryServer::text)
                  .collect(Collectors.joining(" ")));
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        switch (line.trim()) {
          case "sessions" -> System.out.println("sessions " + server.sessions());
          case "cpu" -> System.out.println("cpu " + processCpuNanos());
          case "measure" -> System.out.println(measure(server));
          case "quit" -> {
            return;
          }
          default -> System.out.println("error unknown command " + line);
        }
      }
    } finally {
      server.close();
    }
  }

  /**
   * The virtual-thread servers listen on one address: capacity runs are TlsServer's and Netty's.
   */
  private static String oneHost(String kind, List<String> hosts) {
    if (hosts.size() != 1) {
      throw new IllegalArgumentException(kind + " listens on one address, not " + hosts);
    }
    return hosts.get(0);
  }

  /** CPU time of the whole process: the servers' own threads, and GC and JIT that they cause. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static String measure(LoopbackServer server) throws IOException, InterruptedException {
    for (int i = 0; i < 3; i++) { // G1 runs System.gc() as a full, compacting collection
      System.gc();
      // Closed OpenSSL engines wait for their finalizer (Netty's OpenSslEngine has one)
      System.runFinalization();
      Thread.sleep(100);
    }
    trimNativeHeap();
    return "memory "
        + server.sessions()
        + " "
        + MEMORY.getHeapMemoryUsage().getUsed()
        + " "
        + rss()
        + " "
        + MEMORY.getNonHeapMemoryUsage().getUsed()
        + " "
        + jdkDirect()
        + " "
        + nettyDirect()
        + " "
        + jvmNative()
        + " "
        + Mallinfo.inUse()
        + " "
        + jvmMalloc();
  }

  /** What the JVM itself has malloc'd, by Native Memory Tracking's total; -1 without it. */
  private static long jvmMalloc() {
    String summary = diagnosticCommand("vmNativeMemory", "summary");
    int at = summary.indexOf("malloc: ");
    if (at < 0) {
      return -1;
    }
    String kb = summary.substring(at + "malloc: ".length(), summary.indexOf("KB", at));
    return Long.parseLong(kb.trim()) * 1024;
  }

  /**
   * What the JVM itself has committed, heap included, by its Native Memory Tracking ({@code
   * -XX:NativeMemoryTracking=summary}); -1 without it. Resident memory beyond it is malloc'd by
   * native libraries (BoringSSL) or is glibc's.
   */
  private static long jvmNative() {
    String summary = diagnosticCommand("vmNativeMemory", "summary");
    int at = summary.indexOf("committed="); // the first is the total's
    if (at < 0) {
      return -1; // "Native memory tracking is not enabled"
    }
    String kb = summary.substring(at + "committed=".length(), summary.indexOf("KB", at));
    return Long.parseLong(kb.trim()) * 1024;
  }

  /**
   * Resident anonymous memory from /proc/self/status (RssAnon, kB): the heap, malloc'd and direct
   * memory. File-backed pages (the jar, libraries whose code is touched for the first time) are
   * left out: they are no session's.
   */
  private static long rss() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("RssAnon:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }

  /**
   * Gives malloc's free pages back to the system ({@code jcmd <pid> System.trim_native_heap}, run
   * on ourselves), so that the resident size counts the memory in use and not what glibc's arenas
   * happen to keep after the JIT and the handshakes freed theirs: without it the same run varied by
   * a kilobyte per session.
   */
  private static void trimNativeHeap() {
    diagnosticCommand("systemTrimNativeHeap");
  }

  /** Runs a jcmd command on this JVM; its output, or "" when it is not available. */
  private static String diagnosticCommand(String operation, String... args) {
    try {
      Object out =
          ManagementFactory.getPlatformMBeanServer()
              .invoke(
                  new ObjectName("com.sun.management:type=DiagnosticCommand"),
                  operation,
                  new Object[] {args},
                  new String[] {String[].class.getName()});
      return String.valueOf(out);
    } catch (JMException e) {
      System.err.println("MemoryServer: " + operation + " failed: " + e);
      return "";
    }
  }

  /** Direct ByteBuffers the JDK accounts for (niotls's pool; Netty's when it uses cleaners). */
  private static long jdkDirect() {
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (pool.getName().equals("direct")) {
        return pool.getMemoryUsed();
      }
    }
    return -1;
  }

  /** Netty's own count of direct memory it allocated without a cleaner; -1 when it uses none. */
  private static long nettyDirect() {
    return io.netty.util.internal.PlatformDependent.usedDirectMemory();
  }

  private static String text(InetSocketAddress address) {
    return address.getAddress().getHostAddress() + ":" + address.getPort();
  }
}
