package io.niotls.bench.loop;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One server JVM ({@link MemoryServer}) and one client JVM ({@link MemoryClient}) talking over
 * loopback, driven from here: a warm-up, then readings of the server's memory with N idle sessions
 * open. See {@link IdleMemory} for the method.
 */
final class MemoryRun implements AutoCloseable {
  private final ChildJvm server;
  private final ChildJvm client;
  private final Spec spec;

  /**
   * What to run.
   *
   * @param server {@code niotls} or {@code netty}
   * @param provider {@code JDK} or {@code OPENSSL}
   * @param hosts comma-separated listening addresses (several past one address's ephemeral ports)
   * @param heap the server's {@code -Xms}/{@code -Xmx}
   * @param serverJvm more options for the server JVM, or none
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
      List<String> serverJvm) {}

  private MemoryRun(ChildJvm server, ChildJvm client, Spec spec) {
    this.server = server;
    this.client = client;
    this.spec = spec;
  }

  static MemoryRun start(Spec spec) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("-Xms" + spec.heap(), "-Xmx" + spec.heap()));
    command.add("-XX:+AlwaysPreTouch"); // the heap is resident from the start: RSS growth is not
    command.add("-XX:NativeMemoryTracking=summary"); // the JVM's own malloc, to subtract
    command.addAll(List.of("--add-modules", "jdk.incubator.foreign")); // for mallinfo2()
    command.add("--enable-native-access=ALL-UNNAMED");
    command.addAll(spec.serverJvm());
    command.addAll(
        List.of(
            MemoryServer.class.getName(),
            spec.server(),
            spec.provider(),
            spec.protocol(),
            String.valueOf(spec.loops()),
            spec.hosts()));
    ChildJvm server = ChildJvm.start(command);
    try {
      String[] ready = server.expect("ready").split(" ");
      String targets = String.join(",", List.of(ready).subList(2, ready.length));
      ChildJvm client =
          ChildJvm.start(
              List.of(
                  "-Xmx" + spec.clientHeap(),
                  MemoryClient.class.getName(),
                  spec.protocol(),
                  ready[1],
                  String.valueOf(spec.loops()),
                  targets));
      return new MemoryRun(server, client, spec);
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** Opens and closes {@code n} sessions: classes loaded, JIT, pools and arenas filled. */
  void warmUp(int n) throws IOException, InterruptedException {
    open(n);
    closeAll();
  }

  /**
   * A baseline with no session open, {@code n} sessions opened and left idle for a second, a second
   * reading; then the sessions are closed.
   */
  IdleMemoryRow measure(int n) throws IOException, InterruptedException {
    MemoryReading before = reading();
    hold(n);
    Thread.sleep(1000); // idle: whatever a handshake left to finish is finished
    MemoryReading after = reading();
    closeAll();
    return IdleMemoryRow.of(spec.server(), spec.provider(), n, before, after);
  }

  /** The server's memory now, after full collections (see {@link MemoryServer}). */
  MemoryReading reading() throws IOException {
    return MemoryReading.parse(server.ask("measure", "memory"));
  }

  /** Opens {@code n} more sessions and waits until the server holds them all. */
  void hold(int n) throws IOException, InterruptedException {
    int before = sessions();
    open(n);
    awaitSessions(before + n);
  }

  /** The sessions the server holds. */
  int sessions() throws IOException {
    return Integer.parseInt(server.ask("sessions", "sessions").split(" ")[1]);
  }

  Spec spec() {
    return spec;
  }

  private void open(int n) throws IOException {
    String[] opened = client.ask("open " + n + " " + spec.inFlight(), "opened").split(" ", 4);
    if (!opened[2].equals("0")) {
      throw new IllegalStateException(
          opened[2] + " of " + n + " sessions failed to open; the first: " + opened[3]);
    }
  }

  void closeAll() throws IOException, InterruptedException {
    client.ask("close", "closed");
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

  @Override
  public void close() throws InterruptedException {
    try {
      client.send("quit");
      server.send("quit");
    } finally {
      client.close();
      server.close();
    }
  }
}
