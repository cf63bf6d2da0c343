package io.niotls.bench.loop;

import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The servers of one loopback benchmark, all up at once, and the client that loads them in turns:
 * one {@link #round} gives every server one short round, in an order that rotates from round to
 * round, so each ratio compares numbers measured seconds apart under the same conditions.
 */
final class LoopbackRounds implements AutoCloseable {
  /** Client loops: one per core of the benchmark machine, as TlsClient's default. */
  static final int CLIENT_LOOPS = 2;

  private static final String HOST = "127.0.0.1";

  private final List<LoopbackServer> servers = new ArrayList<>();
  private final HandshakeLoad load;
  private final int inFlight;
  private final long warmNanos;
  private final long measureNanos;
  private int turn;

  /**
   * @param names which servers: {@code niotls}, {@code netty}, {@code openssl}
   * @param windowNanos the measured window of each server's round; the ramp-up before it is a
   *     quarter of that plus a millisecond per connection in flight
   */
  LoopbackRounds(
      Provider provider,
      String protocol,
      int serverLoops,
      List<String> names,
      int inFlight,
      long windowNanos) {
    this(provider, protocol, serverLoops, names, inFlight, windowNanos, true);
  }

  /**
   * @param niotlsTickets whether the niotls server issues session tickets (the others keep their
   *     defaults: Netty's server over BoringSSL sends TLS 1.3 tickets only with its first write, so
   *     none to clients that only handshake)
   */
  LoopbackRounds(
      Provider provider,
      String protocol,
      int serverLoops,
      List<String> names,
      int inFlight,
      long windowNanos,
      boolean niotlsTickets) {
    this.inFlight = inFlight;
    this.measureNanos = windowNanos;
    this.warmNanos = windowNanos / 4 + inFlight * 1_000_000L;
    LoopPki pki = LoopPki.create(protocol);
    TlsContext serverContext = pki.serverContext(provider, niotlsTickets);
    HandshakeLoad client = null;
    try {
      for (String name : names) {
        servers.add(
            switch (name) {
              case "niotls" -> NiotlsServer.start(serverContext, serverLoops, HOST);
              case "netty" ->
                  NettyServer.start(
                      pki.nettyServerContext(provider, serverContext), serverLoops, HOST);
              case "openssl" -> OpensslServer.start(pki);
              default -> throw new IllegalArgumentException("unknown server " + name);
            });
      }
      client = HandshakeLoad.start(pki.clientContext(), protocol, CLIENT_LOOPS);
      for (LoopbackServer server : servers) {
        client.run(server, Math.min(inFlight, 8), 20_000_000L, 50_000_000L); // checks every one
      }
    } catch (RuntimeException | InterruptedException e) {
      if (client != null) {
        client.close();
      }
      closeServers();
      throw new IllegalStateException("cannot set up the loopback servers: " + e, e);
    }
    this.load = client;
  }

  /**
   * The rounds of a JMH benchmark: each server's measured window is the iteration time divided
   * among the servers (at least 30 ms).
   */
  static LoopbackRounds open(
      Provider provider,
      String protocol,
      int serverLoops,
      List<String> names,
      int concurrency,
      BenchmarkParams params) {
    long iteration = params.getMeasurement().getTime().convertTo(TimeUnit.NANOSECONDS);
    long window = Math.max(30_000_000L, iteration / names.size());
    return new LoopbackRounds(provider, protocol, serverLoops, names, concurrency, window);
  }

  /** One round for every server, booked in {@code counters}. */
  void round(LoopCounters counters) throws InterruptedException {
    int n = servers.size();
    int first = turn++ % n;
    for (int i = 0; i < n; i++) {
      LoopbackServer server = servers.get((first + i) % n);
      counters.add(server.subject(), load.run(server, inFlight, warmNanos, measureNanos));
    }
  }

  @Override
  public void close() {
    load.close();
    closeServers();
  }

  private void closeServers() {
    for (LoopbackServer server : servers) {
      try {
        server.close();
      } catch (RuntimeException e) {
        System.err.println("closing " + server.name() + ": " + e);
      }
    }
  }
}
