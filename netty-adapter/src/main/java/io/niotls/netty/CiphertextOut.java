package io.niotls.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.niotls.transport.MemoryTransport;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Where the engine's ciphertext goes: the {@link MemoryTransport.Sink} copies each record straight
 * from the engine's network buffer into I/O {@link ByteBuf}s (the one copy between the engine and
 * the socket), which the handler then writes to the channel in order.
 *
 * <p>Confined to the channel's event loop.
 */
final class CiphertextOut implements MemoryTransport.Sink {
  private static final int DEFAULT_SIZE = 2048;

  private final ByteBufAllocator alloc;
  private final ArrayDeque<ByteBuf> full = new ArrayDeque<>(4);
  private ByteBuf current;
  private int sizeHint = DEFAULT_SIZE;

  CiphertextOut(ByteBufAllocator alloc) {
    this.alloc = alloc;
  }

  /** The ciphertext the next engine call will probably produce, to size one buffer for it. */
  void expect(int bytes) {
    sizeHint = Math.max(bytes, 256);
  }

  @Override
  public int accept(ByteBuffer ciphertext) {
    int n = ciphertext.remaining();
    if (current == null || current.writableBytes() < n) {
      if (current != null) {
        full.add(current);
      }
      current = alloc.ioBuffer(Math.max(n, sizeHint));
    }
    current.writeBytes(ciphertext);
    return n;
  }

  /** The next buffer of ciphertext to write, oldest first; null when there is none. */
  ByteBuf poll() {
    ByteBuf next = full.poll();
    if (next == null) {
      next = current;
      current = null;
      sizeHint = DEFAULT_SIZE;
    }
    return next;
  }

  boolean isEmpty() {
    return full.isEmpty() && current == null;
  }

  /** Drops ciphertext that will never be written. */
  void release() {
    for (ByteBuf b = poll(); b != null; b = poll()) {
      b.release();
    }
  }
}
