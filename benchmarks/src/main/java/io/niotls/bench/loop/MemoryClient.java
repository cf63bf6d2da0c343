package io.niotls.bench.loop;

import io.niotls.context.TlsContext;
import io.niotls.loop.ClientOptions;
import io.niotls.loop.SessionHandler;
import io.niotls.loop.TlsClient;
import io.niotls.loop.TlsEventLoopGroup;
import io.niotls.loop.TlsSession;
import io.niotls.uri.TransportUri;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The client side of {@link IdleMemory}, in its own JVM: opens established TLS sessions to a server
 * in another process and keeps them idle. Commands on stdin, one line each:
 *
 * <ul>
 *   <li>{@code open <n> <inFlight>}: opens {@code n} more sessions, spread over the server's
 *       addresses, at most {@code inFlight} handshakes at once; then {@code opened <ok> <failed>
 *       <first failure>};
 *   <li>{@code close}: closes every session (close_notify), then {@code closed};
 *   <li>{@code quit}: closes everything and exits.
 * </ul>
 *
 * <pre>java -cp benchmarks.jar io.niotls.bench.loop.MemoryClient TLSv1.3 sha256:HEX loops
 *     host:port[,host:port...]</pre>
 */
public final class MemoryClient {
  private static final SessionHandler QUIET = new SessionHandler() {};

  private MemoryClient() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    TlsContext context = LoopPki.clientContext(args[0], args[1]);
    int loops = Integer.parseInt(args[2]);
    List<TransportUri> targets = new ArrayList<>();
    for (String address : args[3].split(",")) {
      targets.add(TransportUri.parse("tls://" + address));
    }
    TlsEventLoopGroup group = TlsEventLoopGroup.create(loops);
    TlsClient client =
        TlsClient.create(
            ClientOptions.builder().loops(group).connectTimeout(Duration.ofSeconds(30)).build());
    ConcurrentLinkedQueue<TlsSession> sessions = new ConcurrentLinkedQueue<>();
    try {
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] words = line.trim().split(" ");
        switch (words[0]) {
          case "open" ->
              System.out.println(
                  open(
                      client,
                      context,
                      targets,
                      Integer.parseInt(words[1]),
                      Integer.parseInt(words[2]),
                      sessions));
          case "close" -> {
            closeAll(sessions);
            System.out.println("closed");
          }
          case "quit" -> {
            return;
          }
          default -> System.out.println("error unknown command " + line);
        }
      }
    } finally {
      closeAll(sessions);
      client.close();
      group.close();
    }
  }

  private static String open(
      TlsClient client,
      TlsContext context,
      List<TransportUri> targets,
      int n,
      int inFlight,
      ConcurrentLinkedQueue<TlsSession> sessions)
      throws InterruptedException {
    Semaphore slots = new Semaphore(inFlight);
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicReference<String> first = new AtomicReference<>("-");
    for (int i = 0; i < n; i++) {
      slots.acquire();
      client
          .connect(targets.get(i % targets.size()), context, QUIET)
          .whenComplete(
              (session, failure) -> {
                if (failure == null) {
                  sessions.add(session);
                  ok.incrementAndGet();
                } else {
                  failed.incrementAndGet();
                  first.compareAndSet("-", String.valueOf(failure).replace('\n', ' '));
                }
                slots.release();
              });
    }
    slots.acquire(inFlight);
    return "opened " + ok.get() + " " + failed.get() + " " + first.get();
  }

  private static void closeAll(ConcurrentLinkedQueue<TlsSession> sessions) {
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    for (TlsSession s = sessions.poll(); s != null; s = sessions.poll()) {
      closing.add(s.close());
    }
    try {
      CompletableFuture.allOf(closing.toArray(new CompletableFuture<?>[0]))
          .get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("closing sessions: " + e);
    }
  }
}
