package io.niotls.bench.loop;

import io.niotls.bench.vthreads.JavaBinary;
import io.niotls.testing.ChildProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One server JVM ({@link MemoryServer}) and one client JVM ({@link MemoryClient}) talking over
 * loopback, driven from here: a warm-up, then readings of the server's memory with N idle sessions
 * open. See {@link IdleMemory} for the method.
 */
final class MemoryRun implements AutoCloseable {
  /** The longest a child may take to answer: opening thousands of sessions takes a while. */
  private static final Duration ANSWER = Duration.ofMinutes(10);

  /**
   * glibc's malloc settings for every server JVM: no per-thread cache (tcache) and at most two
   * arenas. The native figure is malloc's bytes in use ({@link Mallinfo}), and mallinfo2() counts a
   * chunk that a thread's tcache holds as in use: up to 7 free chunks per size class and thread
   * (loops, GC workers, JIT compilers), whatever each happened to keep at the moment of reading.
   * With the cache on, the same server read 3,711 to 3,858 B of native per BORINGSSL session from
   * round to round (10,000 sessions, rounds 2-4) and jumped by 200 B where the JIT was at work;
   * with it off, 3,619 to 3,685 B, and no jump. The two settings were tried together; the arena
   * bound keeps the resident size ({@code rss}) from spreading over a dozen per-thread heaps as
   * well.
   */
  static final Map<String, String> SERVER_MALLOC =
      Map.of("GLIBC_TUNABLES", "glibc.malloc.tcache_count=0", "MALLOC_ARENA_MAX", "2");

  /** A server that used less CPU than this in each of two such periods in a row is quiet. */
  private static final Duration QUIET_PERIOD = Duration.ofMillis(500);

  private static final long QUIET_CPU = TimeUnit.MILLISECONDS.toNanos(10);

  /** The longest {@link #awaitQuiet} waits. */
  private static final Duration QUIET_WAIT = Duration.ofSeconds(30);

  private final ChildProcess server;
  private final ChildProcess client;
  private final Spec spec;
  private final List<InetSocketAddress> addresses;
  private final String fingerprint;

  /**
   * What to run.
   *
   * @param server {@code niotls}, {@code netty}, {@code vt-channel} or {@code vt-sslsocket}
   * @param provider {@code JDK} or {@code OPENSSL}
   * @param hosts comma-separated listening addresses (several past one address's ephemeral ports)
   * @param heap the server's {@code -Xms}/{@code -Xmx}
   * @param serverJvm more options for the server JVM, or none
   * @param java the {@code java} binary of the server JVM; null for this JVM's (the virtual-thread
   *     servers need release 21 or later; the client always runs on this JVM's)
   */
  record Spec(
      String server,
      String provider,
      String protocol,
      String hosts,
      String heap,
      String clientHeap,
      int loops,
      int inFlight,
      List<String> serverJvm,
      String java) {
    /** A run with the server JVM on this JVM's binary. */
    Spec(
        String server,
        String provider,
        String protocol,
        String hosts,
        String heap,
        String clientHeap,
        int loops,
        int inFlight,
        List<String> serverJvm) {
      this(server, provider, protocol, hosts, heap, clientHeap, loops, inFlight, serverJvm, null);
    }

    /** The same run with the server JVM on {@code java} (null: this JVM's). */
    Spec withJava(String java) {
      return new Spec(
          server, provider, protocol, hosts, heap, clientHeap, loops, inFlight, serverJvm, java);
    }
  }

  private MemoryRun(
      ChildProcess server,
      ChildProcess client,
      Spec spec,
      List<InetSocketAddress> addresses,
      String fingerprint) {
    this.server = server;
    this.fingerprint = fingerprint;
    this.client = client;
    this.spec = spec;
    this.addresses = addresses;
  }

  static MemoryRun start(Spec spec) throws IOException, InterruptedException {
    List<String> jvm = new ArrayList<>(List.of("-Xms" + spec.heap(), "-Xmx" + spec.heap()));
    jvm.add("-XX:+AlwaysPreTouch"); // the heap is resident from the start: RSS growth is not
    jvm.add("-XX:NativeMemoryTracking=summary"); // the JVM's own malloc, to subtract
    if (incubatorForeign(spec.java())) {
      jvm.addAll(List.of("--add-modules", "jdk.incubator.foreign")); // for mallinfo2()
    }
    jvm.add("--enable-native-access=ALL-UNNAMED");
    jvm.addAll(spec.serverJvm());
    ChildProcess server =
        child(
            spec.java(),
            SERVER_MALLOC,
            jvm,
            MemoryServer.class,
            spec.server(),
            spec.provider(),
            spec.protocol(),
            String.valueOf(spec.loops()),
            spec.hosts());
    try {
      String[] ready = expect(server, "ready").split(" ");
      String targets = String.join(",", List.of(ready).subList(2, ready.length));
      ChildProcess client =
          child(
              null,
              Map.of(),
              List.of("-Xmx" + spec.clientHeap()),
              MemoryClient.class,
              spec.protocol(),
              ready[1],
              String.valueOf(spec.loops()),
              targets);
      List<InetSocketAddress> addresses = new ArrayList<>();
      for (String target : targets.split(",")) {
        int colon = target.lastIndexOf(':');
        addresses.add(
            new InetSocketAddress(
                target.substring(0, colon), Integer.parseInt(target.substring(colon + 1))));
      }
      return new MemoryRun(server, client, spec, List.copyOf(addresses), ready[1]);
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      server.close();
      throw e;
    }
  }

  /**
   * A JVM on this class path running {@code main}, on {@code java} (null: this JVM's binary), with
   * {@code env} added to our environment; its stderr goes to ours.
   */
  private static ChildProcess child(
      String java, Map<String, String> env, List<String> jvm, Class<?> main, String... args)
      throws IOException {
    List<String> command = new ArrayList<>(ChildProcess.javaCommand(jvm, main.getName(), args));
    if (java != null) {
      command.set(0, java);
    }
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
    builder.environment().putAll(env);
    return ChildProcess.start(builder);
  }

  /**
   * Whether the server JVM has Java 17's incubating foreign linker ({@link Mallinfo}): releases 17
   * to 19 do; on a later one the module is gone and naming it stops the JVM from starting, so
   * native memory is then read from the resident size.
   */
  private static boolean incubatorForeign(String java) {
    int feature =
        java == null
            ? Runtime.version().feature()
            : JavaBinary.feature(Path.of(java).toAbsolutePath().getParent().getParent());
    return feature >= 17 && feature <= 19;
  }

  /** The next line {@code child} says that starts with {@code word}; others are passed through. */
  private static String expect(ChildProcess child, String word) throws InterruptedException {
    return child.awaitLine(
        line -> {
          if (line.startsWith(word + " ") || line.equals(word)) {
            return true;
          }
          System.out.println("  | " + line);
          return false;
        },
        ANSWER);
  }

  private static String ask(ChildProcess child, String command, String answer)
      throws IOException, InterruptedException {
    child.sendLine(command);
    return expect(child, answer);
  }

  /** Opens and closes {@code n} sessions: classes loaded, JIT, pools and arenas filled. */
  void warmUp(int n) throws IOException, InterruptedException {
    open(n);
    closeAll();
  }

  /**
   * A baseline with no session open, {@code n} sessions opened and left idle for a second, a second
   * reading; then the sessions are closed. Each reading waits for the server to be quiet first
   * ({@link #awaitQuiet}).
   */
  IdleMemoryRow measure(int n) throws IOException, InterruptedException {
    awaitQuiet();
    MemoryReading before = reading();
    hold(n);
    Thread.sleep(1000); // idle: whatever a handshake left to finish is finished
    awaitQuiet();
    MemoryReading after = reading();
    closeAll();
    return IdleMemoryRow.of(spec.server(), spec.provider(), n, before, after);
  }

  /**
   * Waits until the server JVM is quiet: its process used less than 10 ms of CPU in each of two 500
   * ms periods in a row, so no JIT compilation or GC is under way; at most 30 s, then says so and
   * goes on. The readings whose native figure jumped were those taken while the JVM's own committed
   * memory still moved (the {@code jvm} column, the JIT at work): a JDK server, whose sessions
   * malloc nothing, read up to 540 B per session then, and 0 to 25 B when it stood still. With
   * {@link #SERVER_MALLOC} most of that jump is gone; this wait keeps the rest of it out.
   */
  void awaitQuiet() throws IOException, InterruptedException {
    long end = System.nanoTime() + QUIET_WAIT.toNanos();
    long last = serverCpuNanos();
    for (int quiet = 0; quiet < 2; ) {
      if (System.nanoTime() - end > 0) {
        System.out.println(
            "  | " + spec.server() + " not quiet after " + QUIET_WAIT.toSeconds() + " s; reading");
        return;
      }
      Thread.sleep(QUIET_PERIOD.toMillis());
      long cpu = serverCpuNanos();
      quiet = cpu - last < QUIET_CPU ? quiet + 1 : 0;
      last = cpu;
    }
  }

  /** The server's memory now, after full collections (see {@link MemoryServer}). */
  MemoryReading reading() throws IOException, InterruptedException {
    return MemoryReading.parse(ask(server, "measure", "memory"));
  }

  /** Opens {@code n} more sessions and waits until the server holds them all. */
  void hold(int n) throws IOException, InterruptedException {
    int before = sessions();
    open(n);
    awaitSessions(before + n);
  }

  /** The sessions the server holds. */
  int sessions() throws IOException, InterruptedException {
    return Integer.parseInt(ask(server, "sessions", "sessions").split(" ")[1]);
  }

  Spec spec() {
    return spec;
  }

  /** The server JVM's process id, for {@code jcmd}. */
  long serverPid() {
    return server.pid();
  }

  /** The server certificate's fingerprint, {@code sha256:<hex>}, for clients of this JVM. */
  String fingerprint() {
    return fingerprint;
  }

  /** Where the server listens, as it said when ready. */
  List<InetSocketAddress> addresses() {
    return addresses;
  }

  /** The CPU time the whole server process has used so far, in nanoseconds. */
  long serverCpuNanos() throws IOException, InterruptedException {
    return Long.parseLong(ask(server, "cpu", "cpu").split(" ")[1]);
  }

  private void open(int n) throws IOException, InterruptedException {
    String[] opened = ask(client, "open " + n + " " + spec.inFlight(), "opened").split(" ", 4);
    if (!opened[2].equals("0")) {
      throw new IllegalStateException(
          opened[2] + " of " + n + " sessions failed to open; the first: " + opened[3]);
    }
  }

  void closeAll() throws IOException, InterruptedException {
    ask(client, "close", "closed");
    awaitSessions(0);
  }

  private void awaitSessions(int n) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      int now = sessions();
      if (now == n) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the server holds " + now + " sessions, expected " + n);
      }
      Thread.sleep(100);
    }
  }

  /** Asks both JVMs to quit and gives them 30 seconds to; what still runs then is killed. */
  @Override
  public void close() throws InterruptedException {
    try {
      quit(client);
      quit(server);
    } finally {
      client.close();
      server.close();
    }
  }

  private static void quit(ChildProcess child) throws InterruptedException {
    try {
      child.sendLine("quit");
      child.endInput();
    } catch (IOException gone) {
      // it has exited already
    }
    child.exited(Duration.ofSeconds(30));
  }
}
