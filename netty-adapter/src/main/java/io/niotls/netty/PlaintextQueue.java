package io.niotls.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.AbstractCoalescingBufferQueue;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundInvoker;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.channel.ChannelPromise;
import io.netty.channel.VoidChannelPromise;
import io.netty.util.concurrent.PromiseNotifier;

/**
 * Plaintext written and not yet encrypted, with each write's promise. {@link #remove} hands out at
 * most one record's worth at a time: a large buffer as a slice of itself (no copy), several small
 * ones copied together into one buffer, so they become one full record instead of many small ones.
 *
 * <p>The queued bytes count towards the channel's writability, as written bytes do: a handler that
 * holds plaintext makes the channel unwritable exactly as the socket's own buffer would.
 *
 * <p>Each write's promise goes with the chunk that holds the write's last byte ({@link
 * #promiseFor}). The promises are kept here, by the count of queued bytes at their write's end,
 * rather than as listeners among the buffers: a chunk that finishes exactly one write, the usual
 * case, then goes out with that write's own promise, without an aggregate promise, a listener and a
 * second completion per record.
 *
 * <p>Confined to the channel's event loop.
 */
final class PlaintextQueue extends AbstractCoalescingBufferQueue {
  private final boolean direct;
  // What the base class's remove() is given to add listeners to: there are none, and it fails it
  // only when composing a chunk failed, which take() reports itself.
  private final ChannelPromise noListeners;
  private ByteBuf merging; // the buffer this queue allocated for the chunk being composed

  // The promises of queued writes, oldest first, in a ring; ends[i] is the count of bytes ever
  // queued at the end of promises[i]'s write. Void promises are not kept: nothing waits on them.
  private ChannelPromise[] promises = new ChannelPromise[4];
  private long[] ends = new long[4];
  private int head;
  private int count;
  private long queued; // bytes ever queued
  private long taken; // bytes ever taken out, as chunks or released

  /**
   * @param direct merge small writes into direct buffers (for BoringSSL) or heap buffers (for the
   *     JDK's engine, which is fastest on arrays)
   */
  PlaintextQueue(Channel channel, boolean direct) {
    super(channel, 4); // grows when writes pile up; an idle connection keeps a small one
    this.direct = direct;
    this.noListeners = new VoidChannelPromise(channel, false);
  }

  /**
   * Takes out the next chunk of at most {@code bytes} bytes (see {@link #promiseFor}). When
   * composing it fails (no memory), every queued write fails with that: what the base class
   * released is no longer known.
   */
  ByteBuf take(ChannelHandlerContext ctx, int bytes) {
    try {
      return remove(ctx.alloc(), bytes, noListeners);
    } catch (Throwable t) {
      failAll(ctx, t);
      throw t;
    }
  }

  /** Queues a write; {@code promise} completes when the chunk holding its last byte is written. */
  void queue(ByteBuf buf, ChannelPromise promise) {
    queued += buf.readableBytes();
    add(buf);
    if (!promise.isVoid()) {
      keep(promise, queued);
    }
  }

  /**
   * The promise to write the chunk of {@code length} bytes just taken out with: the promise of the
   * one write it finishes, an aggregate that completes those of several, or null when it finishes
   * none (a part of a large write).
   */
  ChannelPromise promiseFor(ChannelHandlerContext ctx, int length) {
    taken += length;
    if (count == 0 || ends[head] > taken) {
      return null;
    }
    ChannelPromise first = poll();
    if (count == 0 || ends[head] > taken) {
      if (passable(first)) {
        return first;
      }
      return ctx.newPromise().addListener(notifier(first));
    }
    ChannelPromise aggregate = ctx.newPromise().addListener(notifier(first));
    while (count > 0 && ends[head] <= taken) {
      aggregate.addListener(notifier(poll()));
    }
    return aggregate;
  }

  /**
   * Whether the ciphertext may be written with the user's own promise: it is not cancelled, and
   * cannot be from now on (as a flushed write in Netty's outbound buffer), not done, and reports no
   * progress (which would count ciphertext bytes, not the user's).
   */
  private static boolean passable(ChannelPromise p) {
    return !(p instanceof ChannelProgressivePromise) && p.setUncancellable() && !p.isDone();
  }

  private static PromiseNotifier<Void, ChannelFuture> notifier(ChannelPromise p) {
    return new PromiseNotifier<Void, ChannelFuture>(p);
  }

  /**
   * STARTTLS: writes what is queued as it is, unencrypted, each buffer with the promise of the
   * write it finishes; a failed write of a buffer that finishes none fires exceptionCaught.
   */
  void writeAllAsIs(ChannelHandlerContext ctx) {
    while (!isEmpty()) {
      ByteBuf buf = removeFirst(noListeners);
      ChannelPromise promise = promiseFor(ctx, buf.readableBytes());
      if (promise == null) {
        ctx.write(buf).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
      } else {
        ctx.write(buf, promise);
      }
    }
  }

  /**
   * Releases every queued buffer and fails every waiting promise with {@code cause}, including
   * those of writes a failed promise's listener queues meanwhile.
   */
  void failAll(ChannelOutboundInvoker invoker, Throwable cause) {
    do {
      releaseAndFailAll(invoker, cause);
      taken = queued;
      while (count > 0) {
        poll().tryFailure(cause);
      }
    } while (!isEmpty());
  }

  private void keep(ChannelPromise promise, long end) {
    if (count == promises.length) {
      ChannelPromise[] p = new ChannelPromise[count * 2];
      long[] e = new long[count * 2];
      for (int i = 0; i < count; i++) {
        p[i] = promises[(head + i) % count];
        e[i] = ends[(head + i) % count];
      }
      promises = p;
      ends = e;
      head = 0;
    }
    int tail = (head + count) % promises.length;
    promises[tail] = promise;
    ends[tail] = end;
    count++;
  }

  private ChannelPromise poll() {
    ChannelPromise p = promises[head];
    promises[head] = null;
    head = (head + 1) % promises.length;
    count--;
    return p;
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
