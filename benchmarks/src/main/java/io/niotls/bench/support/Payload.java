package io.niotls.bench.support;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.Random;

/**
 * {@code size} random bytes from a fixed seed, in the kind of buffer the provider's engine is
 * fastest with, seen both as a {@link ByteBuffer} (for the engines) and as a {@link ByteBuf} (for
 * the handlers) over the same memory.
 */
public final class Payload {
  private final ByteBuffer buffer;
  private final ByteBuf buf;

  public Payload(int size, boolean direct) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    buffer = direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
    buffer.put(bytes).flip();
    buf = Unpooled.wrappedBuffer(buffer.duplicate());
  }

  public int size() {
    return buffer.capacity();
  }

  /** The bytes as a buffer in read mode, rewound. */
  ByteBuffer buffer() {
    return buffer.clear();
  }

  /** The bytes as a ByteBuf the receiver owns (and releases). */
  ByteBuf retainedBuf() {
    return buf.retainedDuplicate();
  }
}
