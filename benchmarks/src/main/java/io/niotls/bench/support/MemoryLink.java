package io.niotls.bench.support;

import io.niotls.transport.MemoryTransport;
import java.nio.ByteBuffer;

/**
 * One direction between two {@link MemoryTransport}s, copying nothing the engines do not: the
 * sender's transport hands its ciphertext to this wire as it is written ({@link
 * MemoryTransport.Sink}; BoringSSL encrypts onto it directly), and the receiver's transport reads
 * it in place ({@link MemoryTransport#feedView}), which lets the engine decrypt straight from it.
 * That is how the Netty adapter uses the transport too, so a pair over wires costs what a
 * connection would, without a socket. Reused by every pair of one thread.
 */
public final class MemoryLink implements MemoryTransport.Sink {
  private final ByteBuffer buffer;

  MemoryLink(int capacity, boolean direct) {
    buffer = direct ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
  }

  @Override
  public int accept(ByteBuffer ciphertext) {
    int n = ciphertext.remaining();
    if (n > buffer.remaining()) {
      throw new IllegalStateException("a flight larger than the wire: " + n + " bytes");
    }
    buffer.put(ciphertext);
    return n;
  }

  /** Lends the wire itself, so BoringSSL encrypts straight onto it, as into a channel's buffer. */
  @Override
  public ByteBuffer reserve(int size, boolean direct) {
    return direct == buffer.isDirect() && buffer.remaining() >= size ? buffer : null;
  }

  @Override
  public void commit(ByteBuffer reserved) {
    // the engine wrote at the buffer's position, which now ends what was written
  }

  /** Hands what was written to {@code to}, to read in place until {@link #reclaim}. */
  void deliver(MemoryTransport to) {
    buffer.flip();
    to.feedView(buffer);
  }

  /** {@code to} keeps (copies) what it did not read; the wire is empty again. */
  void reclaim(MemoryTransport to) {
    to.detachInbound();
    buffer.clear();
  }
}
