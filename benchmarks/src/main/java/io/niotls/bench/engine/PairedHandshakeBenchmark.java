package io.niotls.bench.engine;

import io.niotls.bench.support.ContextPair;
import io.niotls.bench.support.EnginePair;
import io.niotls.bench.support.PairClock;
import io.niotls.bench.support.RawEnginePair;
import io.niotls.context.Provider;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@link TlsEngineHandshakeBenchmark} and {@link RawSslEngineHandshakeBenchmark} interleaved: one
 * operation is one niotls handshake and one raw handshake, in alternating order, each timed by
 * {@link PairClock}. The two benchmarks measured one after the other see different loads on a
 * shared machine; these halves run microseconds apart, so their ratio holds when the load moves.
 * The report prints it as the paired table.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PairedHandshakeBenchmark {
  @Param({"JDK", "OPENSSL"})
  public Provider provider;

  @Param({"TLSv1.3", "TLSv1.2"})
  public String protocol;

  private ContextPair contexts;
  private final ByteBuffer wire = ByteBuffer.allocate(64 * 1024);
  private RawEnginePair.Buffers buffers;
  private boolean rawFirst;

  @Setup
  public void setUp() throws SSLException {
    contexts = ContextPair.of(provider, protocol);
    buffers = new RawEnginePair.Buffers(contexts);
    for (int i = 0; i < 2; i++) {
      try (EnginePair pair = new EnginePair(contexts, wire)) {
        HandshakeChecks.full(pair.handshake(), pair.server.session(), protocol);
      }
      try (RawEnginePair pair = new RawEnginePair(contexts, buffers)) {
        pair.handshake();
        HandshakeChecks.full(
            contexts.client().wasResumed(pair.client),
            contexts.server().wasResumed(pair.server),
            pair.client.getSession().getProtocol(),
            protocol);
      }
    }
  }

  @Benchmark
  public void handshakes(PairClock clock, Blackhole sink) throws SSLException {
    rawFirst = !rawFirst;
    if (rawFirst) {
      raw(clock, sink);
      niotls(clock, sink);
    } else {
      niotls(clock, sink);
      raw(clock, sink);
    }
  }

  private void niotls(PairClock clock, Blackhole sink) {
    clock.start();
    try (EnginePair pair = new EnginePair(contexts, wire)) {
      sink.consume(pair.handshake());
    }
    clock.stop(true);
  }

  private void raw(PairClock clock, Blackhole sink) throws SSLException {
    clock.start();
    try (RawEnginePair pair = new RawEnginePair(contexts, buffers)) {
      pair.handshake();
      sink.consume(pair.client.getSession());
    }
    clock.stop(false);
  }
}
