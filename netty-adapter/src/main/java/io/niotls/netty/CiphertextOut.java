package io.niotls.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.niotls.transport.MemoryTransport;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Where the engine's ciphertext goes: I/O {@link ByteBuf}s that the handler writes to the channel
 * in order. BoringSSL encrypts straight into them ({@link #reserve}); the JDK's engine encrypts
 * into its own heap buffer, which the {@link MemoryTransport.Sink} then copies in (the one copy
 * between the engine and the socket).
 *
 * <p>Confined to the channel's event loop.
 */
final class CiphertextOut implements MemoryTransport.Sink {
  private static final int DEFAULT_SIZE = 2048;

  private final ByteBufAllocator alloc;
  private ArrayDeque<ByteBuf> full; // made when a second buffer is needed: idle handlers hold none
  private ByteBuf current;
  private int sizeHint = DEFAULT_SIZE;
  private int reservedAt; // the lent buffer's position when it was lent

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
        full().add(current);
      }
      current = alloc.ioBuffer(Math.max(n, sizeHint));
    }
    current.writeBytes(ciphertext);
    return n;
  }

  /**
   * Lends the free space of a direct I/O buffer, so that BoringSSL encrypts straight into what the
   * channel will write: no copy between the engine and the socket. Heap buffers are not lent.
   */
  @Override
  public ByteBuffer reserve(int size, boolean direct) {
    if (!direct) {
      return null;
    }
    if (current == null || !current.isDirect() || current.writableBytes() < size) {
      if (current != null) {
        full().add(current);
      }
      current = alloc.directBuffer(Math.max(size, sizeHint));
    }
    ByteBuffer lent = current.internalNioBuffer(current.writerIndex(), current.writableBytes());
    reservedAt = lent.position();
    return lent;
  }

  @Override
  public void commit(ByteBuffer reserved) {
    current.writerIndex(current.writerIndex() + reserved.position() - reservedAt);
  }

  private ArrayDeque<ByteBuf> full() {
    if (full == null) {
      full = new ArrayDeque<>(4);
    }
    return full;
  }

  /** The next buffer of ciphertext to write, oldest first; null when there is none. */
  ByteBuf poll() {
    ByteBuf next = full == null ? null : full.poll();
    if (next == null) {
      next = current;
      current = null;
      sizeHint = DEFAULT_SIZE;
    }
    return next;
  }

  boolean isEmpty() {
    return (full == null || full.isEmpty()) && current == null;
  }

  /** Drops ciphertext that will never be written. */
  void release() {
    for (ByteBuf b = poll(); b != null; b = poll()) {
      b.release();
    }
  }
}
