package io.niotls.bench.loop;

import io.niotls.context.Provider;
import java.util.List;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Full handshakes per second over loopback, interleaved: niotls's {@code TlsServer}, a Netty NIO
 * server with Netty's {@code SslHandler} (same provider, certificate, protocol and suites) and, as
 * an outside reference, {@code openssl s_server}, all up at once and loaded by one and the same
 * client ({@link HandshakeLoad}: BoringSSL, resumption off, {@code concurrency} connections in
 * flight, each connect, full handshake, close). One operation gives each server one round, in an
 * order that rotates, so every ratio compares rounds seconds apart; a round's measured window is
 * the iteration time divided among the servers. The figures are in {@link LoopCounters} (the
 * primary score, operations per second, counts rounds and means nothing): per server, handshakes
 * per second of wall clock and per second of the server's own CPU time.
 *
 * <p>Warm-up matters more here than in memory: a server gets a third of each iteration, and Netty's
 * pipeline reaches its steady rate only after about 8 s of its own load, so {@code run.sh} gives
 * these benchmarks 8 warm-up iterations of 3 s.
 *
 * <p>{@code loops}: the server's event-loop threads (both servers alike); the client has {@link
 * LoopbackRounds#CLIENT_LOOPS}. Client and servers share the machine's cores.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PairedFullHandshakeBenchmark {
  @Param({"JDK", "OPENSSL", "BORINGSSL"})
  public Provider provider;

  @Param({"TLSv1.3", "TLSv1.2"})
  public String protocol;

  @Param({"64"})
  public int concurrency;

  @Param({"2"})
  public int loops;

  private LoopbackRounds rounds;

  @Setup
  public void setUp(BenchmarkParams params) {
    rounds =
        LoopbackRounds.open(
            provider, protocol, loops, List.of("niotls", "netty", "openssl"), concurrency, params);
  }

  @Benchmark
  public void rounds(LoopCounters counters) throws InterruptedException {
    rounds.round(counters);
  }

  @TearDown
  public void tearDown() {
    rounds.close();
  }
}
