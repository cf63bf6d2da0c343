package io.niotls.bench.engine;

import io.niotls.bench.support.Checks;
import io.niotls.bench.support.CpuTime;
import io.niotls.bench.support.Duplex;
import io.niotls.bench.support.Fixture;
import io.niotls.bench.support.HandshakeBench;
import io.niotls.bench.support.Subject;
import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
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
 * Issue 13's handshake targets: full and resumed handshakes in memory, same BoringSSL, same keys,
 * driven two ways. {@code direct} is niotls's TlsEngine on the BORINGSSL provider (BoringSSL's
 * {@code SSL_*} calls through tcnative, no SSLEngine); {@code nettyRaw} is Netty's OpenSSL {@code
 * SSLEngine} (OPENSSL provider contexts) driven by a bare wrap/unwrap loop, the cheapest way that
 * engine can be used. Targets: direct/nettyRaw at least 1.05 full and 1.15 resumed; with {@code
 * -prof gc}, at most 0.25 of the bytes allocated per handshake.
 *
 * <p>{@code java -jar benchmarks/target/benchmarks.jar DirectBoringSslHandshakeBenchmark -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DirectBoringSslHandshakeBenchmark {
  @Param({"direct", "nettyRaw"})
  public String driver;

  @Param({"TLSv1.3", "TLSv1.2"})
  public String protocol;

  @Param({"EC_P256", "RSA_2048"})
  public KeyType key;

  @Param({"full", "resumed"})
  public String handshake;

  private Fixture fixture;
  private Subject subject;

  @Setup
  public void setUp() {
    boolean direct =
        switch (driver) {
          case "direct" -> true;
          case "nettyRaw" -> false;
          default ->
              throw new IllegalArgumentException("driver must be direct or nettyRaw: " + driver);
        };
    Provider provider = direct ? Provider.BORINGSSL : Provider.OPENSSL;
    subject = direct ? Subject.TLS_ENGINE : Subject.RAW_SSL_ENGINE;
    fixture = Fixture.of(HandshakeBench.spec(provider, protocol, key, handshake));
    Checks.handshakes(fixture, subject);
  }

  @TearDown
  public void tearDown() {
    fixture.close();
  }

  @Benchmark
  public boolean handshake(CpuTime cpu) {
    cpu.count();
    boolean resumed;
    try (Duplex pair = fixture.open(subject)) {
      resumed = fixture.connect(pair);
    }
    Checks.resumed(subject, resumed, fixture.spec().resumption());
    return resumed;
  }
}
