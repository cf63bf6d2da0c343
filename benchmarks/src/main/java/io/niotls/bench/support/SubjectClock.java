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
 * thread's CPU time and the bytes it allocated, how many operations the turns held, and the median
 * turn time. Reported as secondary results, one value per iteration, named {@code
 * <subject><Metric>} ({@code tlsEngineWallNs}, {@code sslHandlerCpuNs}, {@code
 * rawSslEngineAllocBytes}, {@code tlsHandlerOps}, {@code tlsHandlerTurns}, {@code
 * sslHandlerMedianNs}); the report turns them into per-operation figures of subjects measured in
 * the same moments, so their ratio holds when the load of a shared machine moves. The median turn
 * also shrugs off the turns another process preempted, which inflate the sums.
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
  private static final int CAP = 1 << 16;

  private final long[] wall = new long[N];
  private final long[] cpu = new long[N];
  private final long[] alloc = new long[N];
  private final long[] ops = new long[N];

  /** Each subject's turn times in this iteration, for the median; the first CAP turns count. */
  private final long[][] turns = new long[N][CAP];

  private final int[] turnCount = new int[N];
  private long wallStart;
  private long cpuStart;
  private long allocStart;

  @Setup(Level.Iteration)
  public void reset() {
    Arrays.fill(wall, 0);
    Arrays.fill(cpu, 0);
    Arrays.fill(alloc, 0);
    Arrays.fill(ops, 0);
    Arrays.fill(turnCount, 0);
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
    if (turnCount[i] < CAP) {
      turns[i][turnCount[i]] = now - wallStart;
    }
    turnCount[i]++;
  }

  /** The median of subject {@code i}'s turn times in this iteration; 0 without turns. */
  private long median(int i) {
    int n = Math.min(turnCount[i], CAP);
    if (n == 0) {
      return 0;
    }
    long[] sorted = Arrays.copyOf(turns[i], n);
    Arrays.sort(sorted);
    return sorted[n / 2];
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

  public long tlsEngineMedianNs() {
    return median(0);
  }

  public long tlsEngineTurns() {
    return turnCount[0];
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

  public long rawSslEngineMedianNs() {
    return median(1);
  }

  public long rawSslEngineTurns() {
    return turnCount[1];
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

  public long tlsHandlerMedianNs() {
    return median(2);
  }

  public long tlsHandlerTurns() {
    return turnCount[2];
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

  public long sslHandlerMedianNs() {
    return median(3);
  }

  public long sslHandlerTurns() {
    return turnCount[3];
  }
}
