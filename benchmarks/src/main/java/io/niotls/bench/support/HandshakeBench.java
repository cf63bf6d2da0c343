package io.niotls.bench.support;

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
 * Handshakes per second of one {@link Subject}: one operation makes a client and a server, drives
 * both handshakes to completion in memory, and frees them. Each subclass names its subject; the
 * report sets subclasses with the same parameters side by side. Run with {@code -prof gc} for the
 * bytes allocated per handshake. For ratios on a shared machine prefer the interleaved {@code
 * PairedHandshakeBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public abstract class HandshakeBench {
  /** BORINGSSL's SSLEngine subjects (raw loop, SslHandler) run Netty's engine over BoringSSL. */
  @Param({"JDK", "OPENSSL", "BORINGSSL"})
  public Provider provider;

  @Param({"TLSv1.3", "TLSv1.2"})
  public String protocol;

  @Param({"EC_P256", "RSA_2048"})
  public KeyType key;

  /** {@code full}, or {@code resumed}: the client offers the session of its previous handshake. */
  @Param({"full", "resumed"})
  public String handshake;

  private Fixture fixture;
  private Subject subject;

  protected abstract Subject subject();

  @Setup
  public void setUp() {
    subject = subject();
    fixture = Fixture.of(spec(provider, protocol, key, handshake));
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

  /** The spec the handshake parameters describe. */
  public static Spec spec(Provider provider, String protocol, KeyType key, String handshake) {
    if (!handshake.equals("full") && !handshake.equals("resumed")) {
      throw new IllegalArgumentException("handshake must be full or resumed: " + handshake);
    }
    return Spec.full(provider, protocol).withKey(key).withResumption(handshake.equals("resumed"));
  }
}
