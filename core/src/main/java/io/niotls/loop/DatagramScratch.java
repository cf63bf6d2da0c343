package io.niotls.loop;

import java.nio.ByteBuffer;

/**
 * The buffer a {@link DatagramPeer} reads a datagram's plaintext into before its handler sees it,
 * one per loop thread rather than one per peer: a handler may keep nothing of it past its call, and
 * a server allocated (and zeroed) 17 KiB per handshake for it. A read that begins while the
 * thread's buffer is lent (a handler whose call drives another peer) gets its own.
 */
final class DatagramScratch {
  /** Room for the largest DTLS record's plaintext and any UDP datagram the loop reads whole. */
  static final int SIZE = 17 * 1024;

  private static final ThreadLocal<DatagramScratch> PER_THREAD =
      ThreadLocal.withInitial(DatagramScratch::new);

  private final ByteBuffer buffer = ByteBuffer.allocate(SIZE);
  private boolean lent;

  private DatagramScratch() {}

  /** A cleared buffer of {@link #SIZE} bytes, to {@link #giveBack} when the handler returned. */
  static ByteBuffer take() {
    DatagramScratch s = PER_THREAD.get();
    if (s.lent) {
      return ByteBuffer.allocate(SIZE);
    }
    s.lent = true;
    return s.buffer.clear();
  }

  /** Ends the use of a buffer from {@link #take}. */
  static void giveBack(ByteBuffer taken) {
    DatagramScratch s = PER_THREAD.get();
    if (taken == s.buffer) {
      s.lent = false;
    }
  }
}
