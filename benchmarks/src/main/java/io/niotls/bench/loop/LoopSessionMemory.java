package io.niotls.bench.loop;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What a server's idle sessions hold ({@link IdleMemory}'s method), reported as secondary results
 * that JMH sums over the iterations: {@code heapBytes} (heap after full GCs), {@code nativeBytes}
 * (malloc'd outside the JVM: BoringSSL), {@code rssBytes} (the two together: what the sessions take
 * of the process's resident memory) and {@code sessionsHeld}; divide by the last.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class LoopSessionMemory {
  public long heapBytes;
  public long nativeBytes;
  public long rssBytes;
  public long sessionsHeld;

  @Setup(Level.Iteration)
  public void reset() {
    heapBytes = nativeBytes = rssBytes = sessionsHeld = 0;
  }

  void add(IdleMemoryRow row) {
    long heap = Math.round(row.heap() * row.sessions());
    long outside = Math.round(Math.max(0, row.nativeBytes()) * row.sessions());
    heapBytes += heap;
    nativeBytes += outside;
    rssBytes += heap + outside;
    sessionsHeld += row.sessions();
  }
}
