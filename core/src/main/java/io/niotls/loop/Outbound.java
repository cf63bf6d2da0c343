package io.niotls.loop;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * The bytes a session was asked to send and has not yet handed to its engine or socket, with the
 * byte count that makes {@link TlsSession#write} bounded.
 *
 * <p>Threading: {@link #reserve} and {@link #queued()} from any thread (lock-free); everything else
 * on the loop thread. The deque exists only while it holds buffers, so an idle session holds none.
 */
final class Outbound {
  private static final AtomicLongFieldUpdater<Outbound> QUEUED =
      AtomicLongFieldUpdater.newUpdater(Outbound.class, "queued");

  private final long limit;
  private volatile long queued;

  /** A write was refused: the handler wants onWritable once the queue drains to half. */
  private volatile boolean writabilityWanted;

  private ArrayDeque<ByteBuffer> buffers;

  Outbound(long limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("maxOutboundBytes must be positive, got " + limit);
    }
    this.limit = limit;
  }

  /**
   * Counts {@code n} more bytes if the queue is below its limit. Any thread.
   *
   * @return false, counting nothing and arming the writability signal, when the queue is full
   */
  boolean reserve(int n) {
    long before = QUEUED.getAndAdd(this, n);
    if (before < limit) {
      return true;
    }
    QUEUED.addAndGet(this, -n);
    writabilityWanted = true;
    return false;
  }

  /** Adds bytes already {@link #reserve reserved}. Loop thread. */
  void add(ByteBuffer buffer) {
    if (buffers == null) {
      buffers = new ArrayDeque<>(4);
    }
    buffers.add(buffer);
  }

  /** The oldest buffer not yet fully sent, or null. Loop thread. */
  ByteBuffer peek() {
    return buffers == null ? null : buffers.peek();
  }

  /** {@code n} bytes of the head buffer went out. Loop thread. */
  void sent(ByteBuffer head, int n) {
    release(n);
    if (!head.hasRemaining()) {
      buffers.poll();
      if (buffers.isEmpty()) {
        buffers = null;
      }
    }
  }

  /** Uncounts {@code n} bytes that went out (or were dropped) outside this queue. */
  void release(long n) {
    QUEUED.addAndGet(this, -n);
  }

  /** Takes every queued buffer away (still counted until {@link #release}d). Loop thread. */
  ArrayDeque<ByteBuffer> detach() {
    ArrayDeque<ByteBuffer> all = buffers;
    buffers = null;
    return all;
  }

  /** Drops everything queued; returns how many bytes that was. Loop thread. */
  long discard() {
    long dropped = 0;
    if (buffers != null) {
      for (ByteBuffer b : buffers) {
        dropped += b.remaining();
        release(b.remaining());
      }
      buffers = null;
    }
    return dropped;
  }

  boolean isEmpty() {
    return buffers == null;
  }

  long queued() {
    return queued;
  }

  /** True once, after a refused write, when the queue has drained to half its limit. */
  boolean takeWritability() {
    if (writable()) {
      writabilityWanted = false;
      return true;
    }
    return false;
  }

  /** What {@link #takeWritability()} would say, without taking it. */
  boolean writable() {
    return writabilityWanted && queued <= limit / 2;
  }
}
