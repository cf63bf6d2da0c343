package io.niotls.bench.support;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Times each subject's turns of an interleaved (paired) operation separately: wall clock, the
 * thread's CPU time and the bytes it allocated, plus how many operations the turns held. Reported
 * as secondary results that JMH sums over the iterations, named {@code <subject><Metric>} ({@code
 * tlsEngineWallNs}, {@code sslHandlerCpuNs}, {@code rawSslEngineAllocBytes}, {@code tlsHandlerOps},
 * ...); the report divides them into per-operation figures of subjects measured in the same
 * moments, so their ratio holds when the load of a shared machine moves.
 *
 * <p>Reading the clocks costs about a microsecond, so a turn should last hundreds: a handshake, or
 * a batch of records.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class SubjectClock {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static final int N = Subject.values().length;

  private final long[] wall = new long[N];
  private final long[] cpu = new long[N];
  private final long[] alloc = new long[N];
  private final long[] ops = new long[N];
  private long wallStart;
  private long cpuStart;
  private long allocStart;

  @Setup(Level.Iteration)
  public void reset() {
    Arrays.fill(wall, 0);
    Arrays.fill(cpu, 0);
    Arrays.fill(alloc, 0);
    Arrays.fill(ops, 0);
  }

  /** Starts timing one turn. */
  public final void start() {
    allocStart = THREADS.getCurrentThreadAllocatedBytes();
    cpuStart = THREADS.getCurrentThreadCpuTime();
    wallStart = System.nanoTime();
  }

  /** Ends the turn started last and books it, with its {@code operations}, to {@code subject}. */
  public final void stop(Subject subject, int operations) {
    long now = System.nanoTime();
    long cpuNow = THREADS.getCurrentThreadCpuTime();
    long allocNow = THREADS.getCurrentThreadAllocatedBytes();
    int i = subject.ordinal();
    wall[i] += now - wallStart;
    cpu[i] += cpuNow - cpuStart;
    alloc[i] += allocNow - allocStart;
    ops[i] += operations;
  }

  public long tlsEngineWallNs() {
    return wall[0];
  }

  public long tlsEngineCpuNs() {
    return cpu[0];
  }

  public long tlsEngineAllocBytes() {
    return alloc[0];
  }

  public long tlsEngineOps() {
    return ops[0];
  }

  public long rawSslEngineWallNs() {
    return wall[1];
  }

  public long rawSslEngineCpuNs() {
    return cpu[1];
  }

  public long rawSslEngineAllocBytes() {
    return alloc[1];
  }

  public long rawSslEngineOps() {
    return ops[1];
  }

  public long tlsHandlerWallNs() {
    return wall[2];
  }

  public long tlsHandlerCpuNs() {
    return cpu[2];
  }

  public long tlsHandlerAllocBytes() {
    return alloc[2];
  }

  public long tlsHandlerOps() {
    return ops[2];
  }

  public long sslHandlerWallNs() {
    return wall[3];
  }

  public long sslHandlerCpuNs() {
    return cpu[3];
  }

  public long sslHandlerAllocBytes() {
    return alloc[3];
  }

  public long sslHandlerOps() {
    return ops[3];
  }
}
