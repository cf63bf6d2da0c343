package io.niotls.bench.loop;

import io.niotls.context.Provider;
import java.io.IOException;
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

/**
 * Memory per idle established session of a server over loopback, its client in another JVM: one
 * operation opens {@code sessions} sessions, reads the server's memory ({@link IdleMemory} says
 * how) and closes them. The figures are in {@link LoopSessionMemory}; the primary score, the time
 * the operation took, means little. A subclass names the server.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
public abstract class LoopIdleSessionBench {
  @Param({"JDK", "OPENSSL"})
  public Provider provider;

  @Param({"1000", "10000"})
  public int sessions;

  private MemoryRun run;

  /** {@code niotls} or {@code netty}. */
  protected abstract String server();

  @Setup
  public void setUp() throws IOException, InterruptedException {
    int heapMb = 256 + sessions * 20 / 1024; // the JDK engine's sessions take ~7 KiB each
    run =
        MemoryRun.start(
            new MemoryRun.Spec(
                server(),
                provider.name(),
                "TLSv1.3",
                "127.0.0.1",
                heapMb + "m",
                heapMb + "m",
                2,
                200,
                List.of()));
    run.warmUp(Math.min(2000, Math.max(100, sessions)));
  }

  @Benchmark
  public void idleSessions(LoopSessionMemory memory) throws IOException, InterruptedException {
    memory.add(run.measure(sessions));
  }

  @TearDown
  public void tearDown() throws InterruptedException {
    run.close();
  }
}
