package io.niotls.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.AbstractCoalescingBufferQueue;
import io.netty.channel.Channel;

/**
 * Plaintext written and not yet encrypted, with each write's promise. {@link #remove} hands out at
 * most one record's worth at a time: a large buffer as a slice of itself (no copy), several small
 * ones copied together into one buffer, so they become one full record instead of many small ones.
 *
 * <p>The queued bytes count towards the channel's writability, as written bytes do: a handler that
 * holds plaintext makes the channel unwritable exactly as the socket's own buffer would.
 *
 * <p>Confined to the channel's event loop.
 */
final class PlaintextQueue extends AbstractCoalescingBufferQueue {
  private final boolean direct;
  private ByteBuf merging; // the buffer this queue allocated for the chunk being composed

  /**
   * @param direct merge small writes into direct buffers (for BoringSSL) or heap buffers (for the
   *     JDK's engine, which is fastest on arrays)
   */
  PlaintextQueue(Channel channel, boolean direct) {
    super(channel, 4); // grows when writes pile up; an idle connection keeps a small one
    this.direct = direct;
  }

  @Override
  protected ByteBuf composeFirst(ByteBufAllocator alloc, ByteBuf first, int bufferSize) {
    merging = null;
    if (first.readableBytes() >= bufferSize) {
      return first; // one buffer fills the chunk: pass it on without copying
    }
    ByteBuf merged = direct ? alloc.directBuffer(bufferSize) : alloc.heapBuffer(bufferSize);
    try {
      merged.writeBytes(first);
    } catch (Throwable t) {
      merged.release();
      throw t;
    } finally {
      first.release();
    }
    merging = merged;
    return merged;
  }

  @Override
  protected ByteBuf compose(ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf next) {
    if (!next.isReadable()) {
      next.release();
      return cumulation;
    }
    if (cumulation == merging && cumulation.writableBytes() >= next.readableBytes()) {
      try {
        cumulation.writeBytes(next);
      } finally {
        next.release();
      }
      return cumulation;
    }
    return composeIntoComposite(alloc, cumulation, next);
  }

  @Override
  protected ByteBuf removeEmptyValue() {
    return Unpooled.EMPTY_BUFFER;
  }
}
