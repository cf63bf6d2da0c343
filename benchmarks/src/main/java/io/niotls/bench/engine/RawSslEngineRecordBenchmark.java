package io.niotls.bench.engine;

import io.niotls.bench.support.ContextPair;
import io.niotls.bench.support.CpuTime;
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
import org.openjdk.jmh.annotations.TearDown;

/**
 * The baseline for {@link TlsEngineRecordBenchmark}: the client engine wraps {@code size} bytes
 * into one buffer and the server engine unwraps all of it, with no transport in between.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RawSslEngineRecordBenchmark {
  @Param({"JDK", "OPENSSL"})
  public Provider provider;

  @Param({"TLSv1.3", "TLSv1.2"})
  public String protocol;

  @Param({"16384", "1024"})
  public int size;

  private RawEnginePair pair;
  private ByteBuffer net;
  private ByteBuffer src;
  private ByteBuffer dst;

  @Setup
  public void setUp() throws SSLException {
    ContextPair contexts = ContextPair.of(provider, protocol);
    RawEnginePair.Buffers buffers = new RawEnginePair.Buffers(contexts);
    pair = new RawEnginePair(contexts, buffers);
    pair.handshake();
    net = buffers.clientToServer;
    boolean direct = contexts.client().bufferPool().isDirect();
    src = RecordChecks.payload(size, direct);
    dst = RawEnginePair.Buffers.allocate(contexts.client().bufferPool().bufferSize(), direct);
    RecordChecks.sameSize(transfer(), size);
  }

  @TearDown
  public void tearDown() {
    pair.close();
  }

  @Benchmark
  public int write(CpuTime cpu) throws SSLException {
    cpu.count();
    return transfer();
  }

  private int transfer() throws SSLException {
    src.clear();
    net.clear();
    while (src.hasRemaining()) {
      RecordChecks.ok(pair.client.wrap(src, net));
    }
    net.flip();
    int received = 0;
    while (net.hasRemaining()) {
      dst.clear();
      received += RecordChecks.ok(pair.server.unwrap(net, dst)).bytesProduced();
    }
    return received;
  }
}
