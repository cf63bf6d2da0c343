package io.niotls.cli.bench;

import io.niotls.buffer.BufferPool;
import io.niotls.cli.server.Tally;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.TimeUnit;

/**
 * Samples the embedded server's memory every few milliseconds on a daemon thread while a bench
 * runs, keeping the peaks. Start with {@link #start}, end with {@link #stop}.
 */
public final class MemorySampler {
  private static final long INTERVAL_MILLIS = 5;

  private final Tally connections;
  private final BufferPool buffers;
  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final BufferPoolMXBean direct;
  private final Thread thread;
  private volatile boolean running = true;
  private long peakBufferBytes;
  private long peakHeap;
  private long peakDirect;

  private MemorySampler(Tally connections, BufferPool buffers) {
    this.connections = connections;
    this.buffers = buffers;
    this.direct =
        ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
            .filter(b -> b.getName().equals("direct"))
            .findFirst()
            .orElse(null);
    this.thread = new Thread(this::loop, "niotls-bench-memory");
    thread.setDaemon(true);
  }

  /** Starts sampling the server whose connections {@code connections} counts. */
  public static MemorySampler start(Tally connections, BufferPool buffers) {
    MemorySampler sampler = new MemorySampler(connections, buffers);
    sampler.sample();
    sampler.thread.start();
    return sampler;
  }

  /** Stops sampling (one last sample first) and returns the peaks. */
  public ServerMemory stop() throws InterruptedException {
    running = false;
    thread.join(TimeUnit.SECONDS.toMillis(5));
    synchronized (this) {
      sample();
      return new ServerMemory(connections.peak(), peakBufferBytes, peakHeap, peakDirect);
    }
  }

  private void loop() {
    while (running) {
      synchronized (this) {
        sample();
      }
      try {
        Thread.sleep(INTERVAL_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void sample() {
    long held = (buffers.outstanding() + buffers.pooled()) * (long) buffers.bufferSize();
    peakBufferBytes = Math.max(peakBufferBytes, held);
    peakHeap = Math.max(peakHeap, memory.getHeapMemoryUsage().getUsed());
    if (direct != null) {
      peakDirect = Math.max(peakDirect, direct.getMemoryUsed());
    }
  }
}
