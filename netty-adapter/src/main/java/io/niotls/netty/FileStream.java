package io.niotls.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;
import io.netty.channel.PendingWriteQueue;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * {@link FileRegion}s written to a TLS handler, read as the channel drains. TLS cannot send a file
 * zero-copy (its bytes are encrypted first), and reading a region whole when it is written would
 * hold the whole file in memory; so a region is read {@link #CHUNK} bytes at a time into the
 * writer's queue, once a {@code flush()} came after it, with at most {@link #IN_FLIGHT} chunks read
 * and not yet written to the socket: the write of one reads the next. What is written behind a
 * region waits here, counted towards the channel's writability as queued plaintext is, until the
 * region is read to its end: writes keep their order on the wire. (The channel's writability does
 * not pace the region itself: the writes waiting behind it would then hold it back for ever.)
 *
 * <p>A region that cannot be read (a file shortened or gone while it is sent): if none of its bytes
 * were queued yet, its write fails and the writes behind it go on; if some were, {@link #feed}
 * throws and the handler ends the connection without close_notify, so that the peer sees a
 * truncation, never a clean end after part of a file. A close waits for the stream's end ({@link
 * #afterStream}), so that close_notify follows the whole of what was written. {@link #drain} reads
 * everything at once, for a STARTTLS plaintext window.
 *
 * <p>Confined to the channel's event loop.
 */
final class FileStream {
  /** What one read of a region takes: four records' worth. */
  static final int CHUNK = 64 * 1024;

  /** Chunks of a region read and not yet written to the socket, at most. */
  static final int IN_FLIGHT = 2;

  private final ChannelHandlerContext ctx;
  private final RecordWriter writer;
  private final boolean direct;
  private final ChannelFutureListener chunkWritten;
  private final PendingWriteQueue behind; // writes behind the region, in order
  private int behindFlushed; // how many of them were written before the last flush()
  private FileRegion region; // the region being read, or null
  private ChannelPromise promise; // the region's write's
  private boolean regionFlushed; // a flush() came after the region: it may be read
  private long queued; // bytes of the region queued on the writer so far
  private int inFlight; // chunks queued whose ciphertext is not yet written, of any region
  private boolean draining; // read whatever there is, in flight or not, flushed or not
  private Runnable afterStream; // what waits for the stream's end: closeOutbound(), close()
  private boolean closeWaits; // close() is among it
  private ScheduledFuture<?> closeDeadline; // how long close() waits, if it waits at most that

  /**
   * @param direct read into direct buffers (for BoringSSL) or heap buffers (for the JDK's engine)
   * @param readOn what to call when a chunk was written: it feeds and writes the next ones
   */
  FileStream(ChannelHandlerContext ctx, RecordWriter writer, boolean direct, Runnable readOn) {
    this.ctx = ctx;
    this.writer = writer;
    this.direct = direct;
    this.behind = new PendingWriteQueue(ctx);
    this.chunkWritten =
        f -> {
          inFlight--;
          if (f.isSuccess()) {
            readOn.run();
          }
        };
  }

  /** Whether writes must queue here: a region is being read, or writes still wait behind one. */
  boolean active() {
    return region != null || !behind.isEmpty();
  }

  /** Takes a write: a region to read, or anything written while {@link #active()}. */
  void write(Object msg, ChannelPromise p) {
    if (!active() && msg instanceof FileRegion r) {
      start(r, p, false);
    } else {
      behind.add(msg, p);
    }
  }

  /**
   * {@code closeOutbound()} waits for the stream to end: everything written so far goes, then
   * {@code action} runs (from {@link #endReached()}), after what already waits.
   */
  void afterStream(Runnable action) {
    flushed();
    Runnable before = afterStream;
    afterStream =
        before == null
            ? action
            : () -> {
              before.run();
              action.run();
            };
  }

  /**
   * {@code close()} waits for the stream to end, as {@link #afterStream}; {@code deadline}, if not
   * null, is when it stops waiting, cancelled if the stream ends first.
   */
  void closeAfterStream(Runnable close, ScheduledFuture<?> deadline) {
    afterStream(close);
    closeWaits = true;
    closeDeadline = deadline;
  }

  /** Whether a {@code close()} waits for the stream's end. */
  boolean closeWaits() {
    return closeWaits;
  }

  /** Runs what waits for the stream, if it has ended. */
  void endReached() {
    if (afterStream != null && !active()) {
      Runnable action = afterStream;
      forgetWaiters();
      action.run();
    }
  }

  private void forgetWaiters() {
    afterStream = null;
    closeWaits = false;
    if (closeDeadline != null) {
      closeDeadline.cancel(false);
      closeDeadline = null;
    }
  }

  /** {@code flush()}: everything written so far may go. */
  void flushed() {
    regionFlushed = region != null;
    behindFlushed = behind.size();
  }

  /** Whether {@link #feed} has something to do now. */
  boolean ready() {
    if (region == null) {
      return behindFlushed > 0;
    }
    return draining || (regionFlushed && inFlight < IN_FLIGHT);
  }

  /**
   * Queues the next part of the stream on the writer: a chunk of the region, or once the region is
   * read, the flushed writes behind it up to the next region. Returns false when nothing may go
   * now: no region or flushed write waits, the region was not flushed, or {@link #IN_FLIGHT} of its
   * chunks wait to be written.
   *
   * @throws IOException when the region fails after part of it was queued: the connection must end
   *     without close_notify
   */
  boolean feed() throws IOException {
    if (region == null) {
      return advance();
    }
    if (!ready()) {
      return false;
    }
    long left = region.count() - region.transferred();
    if (left <= 0) {
      // read to its end (or empty): its write completes with the last chunk, or an empty one
      writer.queue(ctx.alloc().buffer(0), promise);
      finishRegion();
      return true;
    }
    ByteBuf chunk;
    try {
      chunk = read(ctx.alloc(), (int) Math.min(CHUNK, left));
    } catch (IOException | RuntimeException e) {
      if (queued > 0) {
        throw new IOException(
            "the FileRegion failed after "
                + queued
                + " of its "
                + region.count()
                + " bytes were sent: "
                + e.getMessage(),
            e);
      }
      promise.tryFailure(e); // nothing of it went: the writes behind it go on
      promise = null;
      finishRegion();
      return true;
    }
    queued += chunk.readableBytes();
    boolean last = region.transferred() >= region.count();
    if (last) {
      writer.queue(chunk, promise);
      finishRegion();
    } else {
      inFlight++;
      writer.queue(chunk, ctx.newPromise().addListener(chunkWritten));
    }
    return true;
  }

  /** Reads everything written, whatever is in flight or flushed, by {@link #feed}. */
  void drain() throws IOException {
    draining = true;
    behindFlushed = behind.size();
    try {
      while (active() && feed()) {
        // each turn queues a chunk or a write behind
      }
    } finally {
      draining = false;
    }
  }

  /** The connection is over: fails the region's write and those behind it with {@code cause}. */
  void release(Throwable cause) {
    if (region != null) {
      region.release();
      region = null;
      if (promise != null) {
        promise.tryFailure(cause);
      }
      promise = null;
    }
    behindFlushed = 0;
    behind.removeAndFailAll(cause);
    forgetWaiters(); // their promises complete as the channel closes
  }

  private void start(FileRegion r, ChannelPromise p, boolean flushed) {
    region = r;
    promise = p;
    regionFlushed = flushed;
    queued = 0;
  }

  private void finishRegion() {
    region.release();
    region = null;
    promise = null;
    advance();
  }

  /** Moves the flushed writes behind the last region to the writer, up to the next region. */
  private boolean advance() {
    boolean moved = false;
    while (region == null && (behindFlushed > 0 || draining && !behind.isEmpty())) {
      Object msg = behind.current();
      ReferenceCountUtil.retain(msg); // remove() releases it: it goes on instead
      ChannelPromise p = behind.remove();
      behindFlushed = Math.max(0, behindFlushed - 1);
      if (msg instanceof FileRegion r) {
        start(r, p, true);
      } else {
        writer.queue((ByteBuf) msg, p);
      }
      moved = true;
    }
    return moved;
  }

  /** Reads the next {@code size} bytes of the region into a new buffer. */
  private ByteBuf read(ByteBufAllocator alloc, int size) throws IOException {
    ByteBuf chunk = direct ? alloc.directBuffer(size, size) : alloc.heapBuffer(size, size);
    try {
      Into into = new Into(chunk);
      while (chunk.isWritable()) {
        long before = region.transferred();
        if (region.transferTo(into, before) <= 0 && region.transferred() == before) {
          throw new IOException(
              "the FileRegion gave no more bytes after "
                  + before
                  + " of "
                  + region.count()
                  + ": was the file shortened while it was being sent?");
        }
      }
      return chunk;
    } catch (IOException | RuntimeException | Error e) {
      chunk.release();
      throw e;
    }
  }

  /** A channel that takes what a region transfers into one buffer, as much as it has room for. */
  private static final class Into implements WritableByteChannel {
    private final ByteBuf chunk;

    Into(ByteBuf chunk) {
      this.chunk = chunk;
    }

    @Override
    public int write(ByteBuffer src) {
      int take = Math.min(src.remaining(), chunk.writableBytes());
      ByteBuffer part = src.duplicate();
      part.limit(part.position() + take);
      chunk.writeBytes(part);
      src.position(src.position() + take);
      return take;
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}
  }
}
