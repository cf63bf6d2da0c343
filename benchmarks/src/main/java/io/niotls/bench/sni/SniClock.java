package io.niotls.bench.sni;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The times of the interleaved SNI benchmarks, per iteration: each operation is one handshake
 * against the one-name server and one against the many-name server, back to back, and books both
 * here, each by three clocks: the benchmark thread's CPU time (what the bar is judged by: on a
 * machine shared with other benchmarks, a wall-clock turn is as long as the scheduler makes it),
 * the wall clock, and the wall clock of the server's side alone (short steps, rarely preempted).
 * Reported as JMH secondary results, one value per iteration (the JSON's raw data):
 *
 * <ul>
 *   <li>{@code oneCpuNs}, {@code oneWallNs}, {@code oneServerNs}, {@code oneOps} and the same for
 *       {@code many}: sums over the iteration;
 *   <li>{@code oneCpuMedianNs}, {@code oneMedianNs}, {@code oneServerMedianNs} and the same for
 *       {@code many}: median handshakes;
 *   <li>{@code ratioPpm} (CPU), {@code wallRatioPpm}, {@code serverRatioPpm}: the median over the
 *       operations of many / one, each operation's two handshakes taken back to back, in millionths
 *       (1,000,000 is "equal"): the paired figures {@link SniRatios} summarizes.
 * </ul>
 *
 * The first {@link #CAP} operations of an iteration count for the medians and ratios.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class SniClock {
  static final int CAP = 1 << 15;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  // [subject][clock][operation]: subject 0 one name, 1 many; clock 0 cpu, 1 wall, 2 server wall
  private final long[][][] times = new long[2][3][CAP];
  private final long[][] sums = new long[2][3];
  private int count;
  private long ops;
  private long cpuStart;
  private long wallStart;

  @Setup(Level.Iteration)
  public void reset() {
    count = 0;
    ops = 0;
    for (long[] s : sums) {
      Arrays.fill(s, 0);
    }
  }

  /** Starts timing one handshake. */
  public void start() {
    cpuStart = THREADS.getCurrentThreadCpuTime();
    wallStart = System.nanoTime();
  }

  /**
   * Ends the handshake started last: {@code many} says against which server, {@code serverNs} how
   * long its server side took. The two handshakes of an operation may come in either order; {@link
   * #next} closes the operation.
   */
  public void stop(boolean many, long serverNs) {
    long wall = System.nanoTime() - wallStart;
    long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
    book(many, cpu, wall, serverNs);
  }

  /**
   * Books a handshake timed elsewhere: {@code cpuNs} the CPU time it is judged by (over loopback,
   * the server's loop thread's), {@code wallNs} the wall clock, {@code serverNs} the server's side.
   */
  public void book(boolean many, long cpuNs, long wallNs, long serverNs) {
    int s = many ? 1 : 0;
    book(s, 0, cpuNs);
    book(s, 1, wallNs);
    book(s, 2, serverNs);
  }

  /** Closes an operation: both its handshakes are booked. */
  public void next() {
    ops++;
    if (count < CAP) {
      count++;
    }
  }

  private void book(int subject, int clock, long ns) {
    sums[subject][clock] += ns;
    if (count < CAP) {
      times[subject][clock][count] = ns;
    }
  }

  public long oneOps() {
    return ops;
  }

  public long manyOps() {
    return ops;
  }

  public long oneCpuNs() {
    return sums[0][0];
  }

  public long manyCpuNs() {
    return sums[1][0];
  }

  public long oneWallNs() {
    return sums[0][1];
  }

  public long manyWallNs() {
    return sums[1][1];
  }

  public long oneServerNs() {
    return sums[0][2];
  }

  public long manyServerNs() {
    return sums[1][2];
  }

  public long oneCpuMedianNs() {
    return median(times[0][0]);
  }

  public long manyCpuMedianNs() {
    return median(times[1][0]);
  }

  public long oneMedianNs() {
    return median(times[0][1]);
  }

  public long manyMedianNs() {
    return median(times[1][1]);
  }

  public long oneServerMedianNs() {
    return median(times[0][2]);
  }

  public long manyServerMedianNs() {
    return median(times[1][2]);
  }

  public long ratioPpm() {
    return pairedRatioPpm(0);
  }

  public long wallRatioPpm() {
    return pairedRatioPpm(1);
  }

  public long serverRatioPpm() {
    return pairedRatioPpm(2);
  }

  private long median(long[] values) {
    if (count == 0) {
      return 0;
    }
    long[] sorted = Arrays.copyOf(values, count);
    Arrays.sort(sorted);
    return sorted[count / 2];
  }

  /**
   * The median over the operations of many / one by {@code clock}, in millionths; 0 without any.
   */
  private long pairedRatioPpm(int clock) {
    if (count == 0) {
      return 0;
    }
    double[] q = new double[count];
    for (int i = 0; i < count; i++) {
      long under = times[0][clock][i];
      q[i] = under > 0 ? (double) times[1][clock][i] / under : 1;
    }
    Arrays.sort(q);
    return Math.round(q[count / 2] * 1e6);
  }
}
