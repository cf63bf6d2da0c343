package io.niotls.bench.support;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Times the two halves of a paired operation separately: niotls and its peer, each by wall clock
 * and by the thread's CPU time. Reported as secondary results that JMH sums over the iterations
 * ({@code niotlsNanos}, {@code peerNanos}, {@code niotlsCpuNanos}, {@code peerCpuNanos}, {@code
 * pairs}); their quotients are the per-operation times of each side, measured in the same moments.
 *
 * <p>Each clock read costs well under a microsecond, so only operations that take hundreds of
 * microseconds (handshakes) are timed this way.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class PairClock {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private long niotlsNanos;
  private long peerNanos;
  private long niotlsCpuNanos;
  private long peerCpuNanos;
  private long pairs;
  private long wallStart;
  private long cpuStart;

  @Setup(Level.Iteration)
  public void reset() {
    niotlsNanos = peerNanos = niotlsCpuNanos = peerCpuNanos = pairs = 0;
  }

  /** Starts timing one half. */
  public final void start() {
    cpuStart = THREADS.getCurrentThreadCpuTime();
    wallStart = System.nanoTime();
  }

  /** Ends the half started last and books it to niotls or to the peer. */
  public final void stop(boolean niotls) {
    long wall = System.nanoTime() - wallStart;
    long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
    if (niotls) {
      niotlsNanos += wall;
      niotlsCpuNanos += cpu;
    } else {
      peerNanos += wall;
      peerCpuNanos += cpu;
      pairs++;
    }
  }

  public long niotlsNanos() {
    return niotlsNanos;
  }

  public long peerNanos() {
    return peerNanos;
  }

  public long niotlsCpuNanos() {
    return niotlsCpuNanos;
  }

  public long peerCpuNanos() {
    return peerCpuNanos;
  }

  public long pairs() {
    return pairs;
  }
}
