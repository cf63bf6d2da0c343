package io.niotls.bench.support;

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
 * Record throughput of one {@link Subject}'s established pair: one operation is a {@code size}-byte
 * write by the client, its records carried to the server, and the server's reads until all of it is
 * back. MB/s = ops/s × size. Run with {@code -prof gc} for the bytes allocated per write. For
 * ratios on a shared machine prefer the interleaved {@code PairedRecordBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public abstract class RecordBench {
  @Param({"JDK", "OPENSSL"})
  public Provider provider;

  @Param({"TLSv1.3", "TLSv1.2"})
  public String protocol;

  @Param({"AES_GCM", "CHACHA20"})
  public Cipher cipher;

  @Param({"16384", "1024"})
  public int size;

  private Fixture fixture;
  private Duplex pair;
  private Payload payload;

  protected abstract Subject subject();

  @Setup
  public void setUp() {
    fixture = Fixture.of(Spec.full(provider, protocol).withCipher(cipher));
    Checks.handshake(fixture, subject());
    pair = fixture.open(subject());
    pair.handshake();
    payload = new Payload(size, fixture.direct());
    Checks.sameSize(pair.transfer(payload), size);
  }

  @TearDown
  public void tearDown() {
    pair.close();
    fixture.close();
  }

  @Benchmark
  public int write(CpuTime cpu) {
    cpu.count();
    return pair.transfer(payload);
  }
}
