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
 * How the loopback full-handshake rate of niotls's {@code TlsServer} and of the Netty server grows
 * with the connections in flight ({@code concurrency}, 1 to 1,000) and with the servers' loop
 * threads ({@code loops}, 1 and 2), BoringSSL and TLS 1.3: the interleaved rounds of {@link
 * PairedFullHandshakeBenchmark}, whose comment says what is measured and how.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PairedScalingBenchmark {
  @Param({"OPENSSL"})
  public Provider provider;

  @Param({"TLSv1.3"})
  public String protocol;

  @Param({"1", "10", "100", "1000"})
  public int concurrency;

  @Param({"1", "2"})
  public int loops;

  private LoopbackRounds rounds;

  @Setup
  public void setUp(BenchmarkParams params) {
    rounds =
        LoopbackRounds.open(
            provider, protocol, loops, List.of("niotls", "netty"), concurrency, params);
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
