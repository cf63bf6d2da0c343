package io.niotls.bench.support;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * CPU time of the benchmark thread, reported beside JMH's wall-clock score as two secondary results
 * that JMH sums over the iterations: {@code cpuNanos} and {@code cpuOps}, whose quotient is the CPU
 * time per operation. On a machine shared with other work the wall-clock score moves with the load,
 * while the thread's own CPU time barely does; comparing CPU time keeps a ratio honest when its two
 * sides ran under different loads. GC threads' time is not in it: read it with JMH's {@code -prof
 * gc} allocation figures.
 *
 * <p>A benchmark takes this state as a parameter and calls {@link #count()} once per operation.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class CpuTime {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private long threadId;
  private long startNanos;
  private long operations;

  @Setup(Level.Iteration)
  public void start() {
    threadId = Thread.currentThread().getId();
    operations = 0;
    startNanos = THREADS.getThreadCpuTime(threadId);
  }

  /** One more operation done. */
  public final void count() {
    operations++;
  }

  /** CPU nanoseconds the benchmark thread used in this iteration. */
  public long cpuNanos() {
    // By thread id: JMH may read counters from another thread than the one that ran the loop.
    return THREADS.getThreadCpuTime(threadId) - startNanos;
  }

  /** Operations done in this iteration. */
  public long cpuOps() {
    return operations;
  }
}
