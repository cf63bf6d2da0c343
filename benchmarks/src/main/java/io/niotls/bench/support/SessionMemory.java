package io.niotls.bench.support;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What a set of idle sessions holds, reported as secondary results that JMH sums over the
 * iterations: {@code heapBytes} (heap growth after full GCs), {@code rssBytes} (resident memory
 * growth of the process, native memory included) and {@code sessionsHeld}; the report divides them.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class SessionMemory {
  private static final long PAGE = 4096;

  public long heapBytes;
  public long rssBytes;
  public long sessionsHeld;

  @Setup(Level.Iteration)
  public void reset() {
    heapBytes = rssBytes = sessionsHeld = 0;
  }

  /** Heap in use after full collections, as settled as {@code System.gc()} makes it. */
  static long usedHeap() {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  /** The process's resident set, from {@code /proc/self/statm}; 0 where there is none. */
  static long resident() {
    try {
      String[] fields = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
      return Long.parseLong(fields[1]) * PAGE;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
