package io.niotls.datagram;

import java.nio.ByteBuffer;

/**
 * The buffer a {@link DtlsEngine} wraps into, one per thread rather than one per engine. A wrap's
 * output lives only until the wrap returns (it is sent, or copied into the flight kept for
 * retransmission and the queue of unsent datagrams), yet the JDK's engine wants room for a whole
 * record of the largest size (about 16 KiB) whatever the path MTU: a server kept one per peer,
 * allocated and zeroed per handshake. A wrap that begins while the thread's buffer is lent (a
 * transport that hands a datagram straight to another engine on the same thread) gets its own.
 */
final class WrapScratch {
  private static final ThreadLocal<WrapScratch> PER_THREAD =
      ThreadLocal.withInitial(WrapScratch::new);

  private ByteBuffer buffer = ByteBuffer.allocate(0);
  private boolean lent;

  private WrapScratch() {}

  /** A cleared buffer of at least {@code capacity} bytes, to {@link #giveBack} after the wrap. */
  static ByteBuffer take(int capacity) {
    WrapScratch s = PER_THREAD.get();
    if (s.lent) {
      return ByteBuffer.allocate(capacity);
    }
    if (s.buffer.capacity() < capacity) {
      s.buffer = ByteBuffer.allocate(capacity);
    }
    s.lent = true;
    return s.buffer.clear();
  }

  /** Ends the use of a buffer from {@link #take}; its bytes may be overwritten from now on. */
  static void giveBack(ByteBuffer taken) {
    WrapScratch s = PER_THREAD.get();
    if (taken == s.buffer) {
      s.lent = false;
    }
  }
}
