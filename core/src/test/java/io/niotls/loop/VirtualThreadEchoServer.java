package io.niotls.loop;

import io.niotls.channel.TlsChannel;
import io.niotls.context.KeyMaterial;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;

/**
 * The server of {@link VirtualThreadTlsChannelTest}, in a JVM of its own on Java 21 or later (core
 * is Java 17 code, so the virtual-thread API is reached by reflection): a thread per connection,
 * each a virtual thread running a blocking {@link TlsChannel} echo. JFR's {@code
 * jdk.VirtualThreadPinned} events (threshold 0) are counted the whole time; a deliberate pin at
 * start proves the count works.
 *
 * <p>Prints {@code DETECTOR n} (the deliberate pins seen), {@code LISTENING port}, then obeys
 * {@code STATS} on stdin with {@code STATS active served failed pinned virtual} and one line for
 * the first failure and the first pin, if any.
 *
 * <p>Arguments: provider, certificate chain PEM, private key PEM.
 */
public final class VirtualThreadEchoServer {
  private static final AtomicInteger active = new AtomicInteger();
  private static final AtomicInteger served = new AtomicInteger();
  private static final AtomicInteger failed = new AtomicInteger();
  private static final AtomicInteger pinned = new AtomicInteger();
  private static final AtomicInteger deliberate = new AtomicInteger();
  private static final AtomicInteger classLoading = new AtomicInteger();
  private static final AtomicInteger beforeMark = new AtomicInteger();
  private static final AtomicReference<String> firstFailure = new AtomicReference<>("none");
  private static final AtomicReference<String> firstPin = new AtomicReference<>("none");
  private static volatile boolean allVirtual = true;
  private static volatile int warmUpPins;
  private static volatile java.time.Instant mark = java.time.Instant.MAX; // pins count from here
  private static final AtomicInteger flushes = new AtomicInteger();

  private VirtualThreadEchoServer() {}

  /** Blocks its class initializer: a virtual thread that makes it run is pinned (JDK 25 too). */
  static final class SlowToInitialize {
    static {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    static void touch() {}
  }

  public static void main(String[] args) throws Exception {
    TlsContext context =
        TlsContext.forServer(KeyMaterial.fromPem(Path.of(args[1]), Path.of(args[2]), null))
            .provider(Provider.valueOf(args[0]))
            .handshakeTimeout(Duration.ofSeconds(60))
            .build();
    try (RecordingStream pins = new RecordingStream()) {
      pins.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
      pins.onEvent("jdk.VirtualThreadPinned", VirtualThreadEchoServer::pinned);
      pins.onFlush(flushes::incrementAndGet);
      pins.startAsync();
      ExecutorService threads =
          (ExecutorService)
              Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);

      threads.submit(SlowToInitialize::touch).get();
      long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (deliberate.get() == 0 && System.nanoTime() < end) {
        Thread.sleep(20);
      }
      System.out.println("DETECTOR " + Math.min(1, deliberate.get()));

      try (ServerSocketChannel listener = ServerSocketChannel.open()) {
        listener.bind(new InetSocketAddress("127.0.0.1", 0), 16384);
        System.out.println("LISTENING " + listener.socket().getLocalPort());
        Thread acceptor =
            new Thread(
                () -> {
                  try {
                    while (true) {
                      SocketChannel socket = listener.accept();
                      threads.submit(() -> serve(context, socket));
                    }
                  } catch (IOException closed) {
                    // the listener closed: the server is stopping
                  }
                },
                "acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        obey();
      }
    }
    System.exit(0); // the virtual threads of sessions still open are not waited for
  }

  private static void obey() throws IOException {
    BufferedReader commands =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
    for (String line = commands.readLine(); line != null; line = commands.readLine()) {
      if (line.equals("MARK")) {
        mark = java.time.Instant.now(); // pins that start from here on count
        awaitFlush(); // JFR hands events over in batches: the warm-up's are in before we go on
        warmUpPins = beforeMark.get();
        System.out.println("MARKED " + warmUpPins);
      } else if (line.equals("STATS")) {
        awaitFlush();
        System.out.println(
            "STATS "
                + active.get()
                + " "
                + served.get()
                + " "
                + failed.get()
                + " "
                + pinned.get()
                + " "
                + allVirtual
                + " "
                + classLoading.get());
        System.out.println("FIRST failure: " + firstFailure.get() + "; pin: " + firstPin.get());
      }
    }
  }

  /** Waits for JFR to hand over two more batches of events (at most 5 s). */
  private static void awaitFlush() {
    int target = flushes.get() + 2;
    long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (flushes.get() < target && System.nanoTime() < end) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static Void serve(TlsContext context, SocketChannel socket) {
    active.incrementAndGet();
    if (!isVirtual(Thread.currentThread())) {
      allVirtual = false;
    }
    try (TlsChannel tls = TlsChannel.server(context, socket)) {
      ByteBuffer buffer = ByteBuffer.allocate(4096);
      while (tls.read(buffer) >= 0) {
        buffer.flip();
        while (buffer.hasRemaining()) {
          tls.write(buffer);
        }
        buffer.clear();
      }
      served.incrementAndGet();
    } catch (IOException | RuntimeException e) {
      failed.incrementAndGet();
      firstFailure.compareAndSet("none", e.toString());
    } finally {
      active.decrementAndGet();
    }
    return null;
  }

  private static boolean isVirtual(Thread thread) {
    try {
      return (boolean) Thread.class.getMethod("isVirtual").invoke(thread);
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }

  /** Counts a pin: the deliberate one apart, any other as a finding, its stack kept. */
  private static void pinned(RecordedEvent event) {
    String stack =
        event.getStackTrace() == null
            ? "no stack"
            : event.getStackTrace().getFrames().stream()
                .limit(16)
                .map(f -> f.getMethod().getType().getName() + "." + f.getMethod().getName())
                .reduce((a, b) -> a + " < " + b)
                .orElse("empty stack");
    if (stack.contains(SlowToInitialize.class.getSimpleName())) {
      deliberate.incrementAndGet();
      return;
    }
    String why = event.hasField("pinnedReason") ? event.getString("pinnedReason") : "?";
    if (stack.contains("java.lang.ClassLoader.loadClass")
        || stack.contains(".<clinit>")
        || why.startsWith("Waited for initialization")) {
      // The JVM loads and initializes a class once, through native frames that pin a virtual
      // thread waiting for another's load (JEP 491 leaves these): start-up, not I/O. Counted apart.
      classLoading.incrementAndGet();
      return;
    }
    if (!event.getStartTime().isAfter(mark)) {
      beforeMark.incrementAndGet(); // the warm-up's: first use initializes classes
      return;
    }
    pinned.incrementAndGet();
    firstPin.compareAndSet("none", "(" + why + ") " + stack);
  }
}
