package io.niotls.bench.engine;

import io.niotls.bench.support.ContextPair;
import io.niotls.bench.support.CpuTime;
import io.niotls.bench.support.EnginePair;
import io.niotls.context.Provider;
import io.niotls.engine.SessionInfo;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Full handshakes per second through {@link io.niotls.engine.TlsEngine} over {@link
 * io.niotls.transport.MemoryTransport}: a client and a server engine in one thread, whole flights
 * moved between them. Compare with {@link RawSslEngineHandshakeBenchmark}, measured in the same
 * run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TlsEngineHandshakeBenchmark {
  @Param({"JDK", "OPENSSL"})
  public Provider provider;

  @Param({"TLSv1.3", "TLSv1.2"})
  public String protocol;

  private ContextPair contexts;
  private final ByteBuffer wire = ByteBuffer.allocate(64 * 1024);

  @Setup
  public void setUp() {
    contexts = ContextPair.of(provider, protocol);
    // Twice: the second handshake would be the resumed one if resumption were on.
    for (int i = 0; i < 2; i++) {
      try (EnginePair pair = new EnginePair(contexts, wire)) {
        HandshakeChecks.full(pair.handshake(), pair.server.session(), protocol);
      }
    }
  }

  @Benchmark
  public SessionInfo handshake(CpuTime cpu) {
    cpu.count();
    try (EnginePair pair = new EnginePair(contexts, wire)) {
      return pair.handshake();
    }
  }
}
