package io.niotls.bench.support;

import java.lang.management.ManagementFactory;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What a set of idle sessions holds on the heap, reported as secondary results, one value per
 * iteration: {@code heapBytes} (heap growth after full collections) and {@code sessionsHeld}; the
 * report divides them and takes the median over iterations. Native memory (BoringSSL's SSL objects)
 * is not counted: it is the same for every subject on one provider, and the process's resident size
 * moves too much with the allocator's free lists to tell it per session.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class SessionMemory {
  private static final long PAGE = 4096;

  public long heapBytes;
  public long sessionsHeld;

  @Setup(Level.Iteration)
  public void reset() {
    heapBytes = sessionsHeld = 0;
  }

  /**
   * Heap in use after full collections, as settled as they make it. Netty's OpenSslEngine frees
   * itself in a finalizer, so freed engines stay on the heap until finalization has run: each
   * collection is followed by it, until the figure stops falling.
   */
  @SuppressWarnings({"deprecation", "removal"}) // runFinalization: Netty 4.1 still finalizes
  static long usedHeap() {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 10; i++) {
      System.gc();
      System.runFinalization();
      long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      if (now >= used && i >= 2) {
        return Math.min(used, now);
      }
      used = Math.min(used, now);
    }
    return used;
  }
}
