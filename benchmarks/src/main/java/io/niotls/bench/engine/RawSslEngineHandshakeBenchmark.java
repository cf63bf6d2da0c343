package io.niotls.bench.engine;

import io.niotls.bench.support.ContextPair;
import io.niotls.bench.support.CpuTime;
import io.niotls.bench.support.RawEnginePair;
import io.niotls.context.Provider;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The baseline for {@link TlsEngineHandshakeBenchmark}: full handshakes per second between two bare
 * SSLEngines made by the same contexts, driven by a hand-written wrap/unwrap loop ({@link
 * RawEnginePair}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RawSslEngineHandshakeBenchmark {
  @Param({"JDK", "OPENSSL"})
  public Provider provider;

  @Param({"TLSv1.3", "TLSv1.2"})
  public String protocol;

  private ContextPair contexts;
  private RawEnginePair.Buffers buffers;

  @Setup
  public void setUp() throws SSLException {
    contexts = ContextPair.of(provider, protocol);
    buffers = new RawEnginePair.Buffers(contexts);
    for (int i = 0; i < 2; i++) {
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
  public SSLSession handshake(CpuTime cpu) throws SSLException {
    cpu.count();
    try (RawEnginePair pair = new RawEnginePair(contexts, buffers)) {
      pair.handshake();
      return pair.client.getSession();
    }
  }
}
