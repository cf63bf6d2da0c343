package io.niotls.bench.sni;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.SniMapping;
import io.niotls.context.TlsContext;
import io.niotls.loop.ClientOptions;
import io.niotls.loop.CloseReason;
import io.niotls.loop.ServerOptions;
import io.niotls.loop.SessionHandler;
import io.niotls.loop.TlsClient;
import io.niotls.loop.TlsServer;
import io.niotls.loop.TlsSession;
import io.niotls.uri.TransportUri;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@link SniPairedHandshakeBenchmark} over loopback: two {@code TlsServer.bindSni} servers up at
 * once, one whose mapping holds one name and one whose mapping holds {@code names}, each on a loop
 * thread of its own, and one client that connects to each in turn (an order that alternates), one
 * connection at a time: connect, full handshake, close_notify both ways, the server's side closed.
 * Each connection is booked in {@link SniClock} by the CPU time of its server's loop thread (the
 * figure {@link SniRatios} judges: the client's share and the scheduler's delays are left out),
 * with its wall clock beside it.
 *
 * <pre>benchmarks/run.sh quick 'SniPairedLoopbackBenchmark' -wi 3 -i 12 -r 2s</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SniPairedLoopbackBenchmark {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final SessionHandler QUIET = new SessionHandler() {};

  @Param({"JDK", "OPENSSL", "BORINGSSL"})
  public Provider provider;

  @Param({"exact", "wildcard", "unknown"})
  public String lookup;

  @Param({"TLSv1.3"})
  public String protocol;

  @Param({"EC_P256"})
  public KeyType key;

  @Param({"1000"})
  public int names;

  private SniNames servers;
  private TlsContext clientContext;
  private TlsClient client;
  private final Server[] bound = new Server[2]; // [one, many]
  private boolean manyFirst;

  /** One server, its loop thread, and a permit for each session its side has closed. */
  private record Server(TlsServer server, TransportUri uri, long loopThread, Semaphore closed) {
    static Server bind(SniMapping mapping) throws Exception {
      Semaphore closed = new Semaphore(0);
      SessionHandler counting =
          new SessionHandler() {
            @Override
            public void onClosed(TlsSession session, CloseReason reason, Throwable cause) {
              closed.release();
            }
          };
      TlsServer server =
          TlsServer.bindSni(
              TransportUri.parse("tls://127.0.0.1:0"),
              mapping,
              () -> counting,
              ServerOptions.builder().loopCount(1).build());
      CompletableFuture<Long> thread = new CompletableFuture<>();
      server.loops().next().execute(() -> thread.complete(Thread.currentThread().getId()));
      return new Server(
          server,
          TransportUri.parse("tls://127.0.0.1:" + server.localAddress().getPort()),
          thread.get(10, TimeUnit.SECONDS),
          closed);
    }
  }

  @Setup
  public void setUp() throws Exception {
    servers = new SniNames(provider, protocol, key, lookup, names);
    clientContext = servers.namedClient(provider, protocol);
    client = TlsClient.create(ClientOptions.builder().loopCount(1).build());
    bound[0] = Server.bind(servers.one);
    bound[1] = Server.bind(servers.many);
    for (Server s : bound) {
      TlsSession session = connect(s);
      if (!servers.asked.equals(session.info().serverName())) {
        throw new IllegalStateException(
            "the client asked for " + session.info().serverName() + ", not " + servers.asked);
      }
    }
  }

  @Benchmark
  public void handshakes(SniClock clock) throws Exception {
    boolean many = manyFirst;
    manyFirst = !manyFirst;
    for (int turn = 0; turn < 2; turn++, many = !many) {
      Server s = bound[many ? 1 : 0];
      long cpu = THREADS.getThreadCpuTime(s.loopThread);
      long wall = System.nanoTime();
      connect(s);
      wall = System.nanoTime() - wall;
      cpu = THREADS.getThreadCpuTime(s.loopThread) - cpu;
      clock.book(many, cpu, wall, cpu);
    }
    clock.next();
  }

  /** One connection, closed on both sides before this returns. */
  private TlsSession connect(Server s) throws Exception {
    TlsSession session = client.connect(s.uri, clientContext, QUIET).get(10, TimeUnit.SECONDS);
    session.close().get(10, TimeUnit.SECONDS);
    if (!s.closed.tryAcquire(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the server did not close its side within 10 s");
    }
    return session;
  }

  @TearDown
  public void tearDown() {
    if (client != null) {
      client.close();
    }
    for (Server s : bound) {
      if (s != null) {
        s.server.close();
      }
    }
    if (clientContext != null) {
      clientContext.close();
    }
    servers.close();
  }
}
