package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.ChildProcess;
import io.niotls.uri.TransportUri;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client side of {@link ManySessionsTest}, in a JVM of its own so that each side's sockets
 * count against its own descriptor limit. Opens the sessions, then on its standard input obeys
 * {@code ECHO} (every session sends a payload and waits for it back) and {@code CLOSE} (every
 * session closes), answering each step with one line on standard output: {@code OPEN n ms}, {@code
 * ECHOED n ms}, {@code CLOSED ms}, or {@code FAIL why}.
 *
 * <p>Arguments: uri, CA PEM file to trust, provider, sessions, handshakes in flight, payload bytes.
 */
final class LoadClient {
  private LoadClient() {}

  public static void main(String[] args) throws Exception {
    TransportUri uri = TransportUri.parse(args[0]);
    TlsContext context =
        TlsContext.forClient()
            .trustPem(Path.of(args[1]))
            .provider(Provider.valueOf(args[2]))
            .handshakeTimeout(Duration.ofSeconds(60))
            .build();
    int sessions = Integer.parseInt(args[3]);
    int inFlight = Integer.parseInt(args[4]);
    int payload = Integer.parseInt(args[5]);
    long limit = Descriptors.softLimit();
    if (limit < sessions + 512L) {
      System.out.println(
          "FAIL the client JVM needs "
              + (sessions + 512)
              + " file descriptors, but the soft limit is "
              + limit
              + ": raise it with 'ulimit -n'");
      System.exit(1);
    }
    BufferedReader commands =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
    try (TlsClient client = TlsClient.create()) {
      long start = System.nanoTime();
      List<ManySessionsTest.Held> held = open(client, uri, context, sessions, inFlight);
      System.out.println("OPEN " + held.size() + " " + millisSince(start));

      expect(commands, "ECHO");
      start = System.nanoTime();
      Random random = new Random(sessions);
      for (ManySessionsTest.Held h : held) {
        byte[] bytes = new byte[payload];
        random.nextBytes(bytes);
        h.send(bytes);
      }
      int echoed = 0;
      for (ManySessionsTest.Held h : held) {
        h.echoed.get(120, TimeUnit.SECONDS);
        echoed++;
      }
      System.out.println("ECHOED " + echoed + " " + millisSince(start));

      expect(commands, "CLOSE");
      start = System.nanoTime();
      List<CompletableFuture<Void>> closing = new ArrayList<>();
      for (ManySessionsTest.Held h : held) {
        closing.add(h.session.close());
      }
      CompletableFuture.allOf(closing.toArray(new CompletableFuture<?>[0]))
          .get(120, TimeUnit.SECONDS);
      System.out.println("CLOSED " + millisSince(start));
    } catch (Throwable t) {
      System.out.println("FAIL " + String.valueOf(t).strip().replaceAll("\\s*[\\r\\n]+\\s*", "; "));
      System.exit(1);
    }
  }

  private static List<ManySessionsTest.Held> open(
      TlsClient client, TransportUri uri, TlsContext context, int n, int inFlight)
      throws Exception {
    Semaphore slots = new Semaphore(inFlight);
    AtomicInteger failed = new AtomicInteger();
    CompletableFuture<Throwable> firstFailure = new CompletableFuture<>();
    List<ManySessionsTest.Held> held = new ArrayList<>(n);
    List<CompletableFuture<TlsSession>> all = new ArrayList<>(n);
    for (int i = 0; i < n && failed.get() == 0; i++) {
      if (!slots.tryAcquire(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("no handshake finished in 60 s");
      }
      ManySessionsTest.Held h = new ManySessionsTest.Held();
      held.add(h);
      CompletableFuture<TlsSession> f = client.connect(uri, context, h);
      all.add(f);
      f.whenComplete(
          (s, e) -> {
            if (e != null && failed.getAndIncrement() == 0) {
              firstFailure.complete(e);
            }
            slots.release();
          });
    }
    CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]))
        .exceptionally(e -> null)
        .get(120, TimeUnit.SECONDS);
    if (failed.get() > 0) {
      throw new IllegalStateException(
          failed.get() + " handshakes failed, the first with: " + firstFailure.getNow(null));
    }
    return held;
  }

  private static void expect(BufferedReader commands, String command) throws Exception {
    String line = commands.readLine();
    if (!command.equals(line)) {
      throw new IllegalStateException("expected " + command + " on stdin, got " + line);
    }
  }

  /**
   * For the test driving it: the client's next line, which must start with {@code word} (and count
   * {@code n}, if >= 0), taken apart.
   */
  static String[] expect(ChildProcess client, String word, int n) throws Exception {
    String line = client.nextLine(Duration.ofMinutes(3));
    String[] parts = line.split(" ");
    assertThat(parts[0])
        .as("the client JVM said: %s; stderr: %s", line, client.err())
        .isEqualTo(word);
    if (n >= 0) {
      assertThat(Integer.parseInt(parts[1])).as(line).isEqualTo(n);
    }
    return parts;
  }

  private static long millisSince(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }
}
