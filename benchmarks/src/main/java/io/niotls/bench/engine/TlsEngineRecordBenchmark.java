package io.niotls.bench.engine;

import io.niotls.bench.support.ContextPair;
import io.niotls.bench.support.CpuTime;
import io.niotls.bench.support.EnginePair;
import io.niotls.bench.support.RawEnginePair;
import io.niotls.context.Provider;
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
import org.openjdk.jmh.annotations.TearDown;

/**
 * Record throughput through an established {@link io.niotls.engine.TlsEngine} pair: one operation
 * is a {@code size}-byte {@code write} by the client, its ciphertext moved to the server's {@link
 * io.niotls.transport.MemoryTransport}, and the server's {@code read}s until all of it is back.
 * MB/s = ops/s × size. Compare with {@link RawSslEngineRecordBenchmark}, measured in the same run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TlsEngineRecordBenchmark {
  @Param({"JDK", "OPENSSL"})
  public Provider provider;

  @Param({"TLSv1.3", "TLSv1.2"})
  public String protocol;

  @Param({"16384", "1024"})
  public int size;

  private final ByteBuffer wire = ByteBuffer.allocate(64 * 1024);
  private EnginePair pair;
  private ByteBuffer src;
  private ByteBuffer dst;

  @Setup
  public void setUp() {
    ContextPair contexts = ContextPair.of(provider, protocol);
    pair = new EnginePair(contexts, wire);
    pair.handshake();
    boolean direct = contexts.client().bufferPool().isDirect();
    src = RecordChecks.payload(size, direct);
    // At least one record's plaintext, so the engine decrypts straight into it.
    dst = RawEnginePair.Buffers.allocate(contexts.client().bufferPool().bufferSize(), direct);
    RecordChecks.sameSize(transfer(), size);
  }

  @TearDown
  public void tearDown() {
    pair.close();
  }

  @Benchmark
  public int write(CpuTime cpu) {
    cpu.count();
    return transfer();
  }

  private int transfer() {
    src.clear();
    while (src.hasRemaining()) {
      RecordChecks.progress(pair.client.write(src), pair.client);
    }
    EnginePair.move(pair.clientTransport, pair.serverTransport, wire);
    int received = 0;
    while (received < size) {
      dst.clear();
      received += RecordChecks.progress(pair.server.read(dst), pair.server);
    }
    return received;
  }
}
