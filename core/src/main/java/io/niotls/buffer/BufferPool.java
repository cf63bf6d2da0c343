package io.niotls.buffer;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;
import org.jctools.queues.MpmcArrayQueue;

/**
 * A pool of equally sized network buffers, shared by every engine made from one context.
 *
 * <p>An engine takes a buffer when a record moves and gives it back as soon as it holds nothing, so
 * an idle established connection holds no network buffer, and a steady stream of records reuses the
 * same few buffers instead of allocating. The pool keeps at most {@code maxPooled} free buffers;
 * beyond that, returned buffers are left to the garbage collector.
 *
 * <p>Thread-safe and lock-free: {@link #acquire()} and {@link #release(ByteBuffer)} may be called
 * from any thread.
 */
public final class BufferPool {
  private final int bufferSize;
  private final boolean direct;
  private final MpmcArrayQueue<ByteBuffer> free;
  // two counters, one update per acquire and per release: outstanding is their difference
  private final LongAdder acquired = new LongAdder();
  private final LongAdder released = new LongAdder();
  private final LongAdder allocated = new LongAdder();

  /**
   * @param bufferSize capacity of every buffer, at least one whole TLS record
   * @param direct direct buffers (BoringSSL is fastest with them) or heap buffers (the JDK's engine
   *     is)
   * @param maxPooled how many free buffers to keep for reuse
   */
  public BufferPool(int bufferSize, boolean direct, int maxPooled) {
    if (bufferSize <= 0 || maxPooled < 2) {
      throw new IllegalArgumentException(
          "bufferSize must be > 0 and maxPooled >= 2, got " + bufferSize + ", " + maxPooled);
    }
    this.bufferSize = bufferSize;
    this.direct = direct;
    this.free = new MpmcArrayQueue<>(maxPooled);
  }

  /** A cleared buffer of {@link #bufferSize()} bytes, in write mode. */
  public ByteBuffer acquire() {
    acquired.increment();
    ByteBuffer buffer = free.relaxedPoll();
    if (buffer != null) {
      return buffer.clear();
    }
    allocated.increment();
    return direct ? ByteBuffer.allocateDirect(bufferSize) : ByteBuffer.allocate(bufferSize);
  }

  /** Gives a buffer back. The caller must not touch it afterwards. */
  public void release(ByteBuffer buffer) {
    released.increment();
    if (buffer.capacity() == bufferSize && buffer.isDirect() == direct) {
      free.relaxedOffer(buffer);
    }
  }

  public int bufferSize() {
    return bufferSize;
  }

  public boolean isDirect() {
    return direct;
  }

  /** Buffers taken and not yet given back: zero when every connection is idle or closed. */
  public long outstanding() {
    long given = released.sum(); // first: a release racing these reads then never makes it negative
    return acquired.sum() - given;
  }

  /** Buffers ever allocated by this pool (not reused from it). */
  public long allocated() {
    return allocated.sum();
  }

  /** Buffers handed out by {@link #acquire()} so far, reused or new: how often a record moved. */
  public long acquired() {
    return acquired.sum();
  }

  /** Free buffers held for reuse. */
  public int pooled() {
    return free.size();
  }
}
