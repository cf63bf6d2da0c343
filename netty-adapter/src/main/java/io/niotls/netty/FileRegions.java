package io.niotls.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link FileRegion} written to a TLS handler: its bytes must be encrypted, so the kernel's
 * zero-copy path is out. The region is read into buffers when it is written and queued as one
 * write, whose promise completes when its last byte is written. Reading it whole at once keeps a
 * failed read from sending part of a file; for files too large to hold in memory, write a {@code
 * ChunkedNioFile} through a {@code ChunkedWriteHandler}, which follows the channel's writability.
 */
final class FileRegions {
  private static final int CHUNK = 64 * 1024;

  private FileRegions() {}

  /** Reads the region, releases it, and queues its bytes on {@code writer}; fails on a bad read. */
  static void queue(
      ChannelHandlerContext ctx, FileRegion region, ChannelPromise promise, RecordWriter writer) {
    List<ByteBuf> chunks;
    try {
      chunks = read(ctx.alloc(), region);
    } catch (IOException | RuntimeException e) {
      promise.tryFailure(e);
      return;
    } finally {
      region.release();
    }
    if (chunks.isEmpty()) {
      writer.queue(ctx.alloc().buffer(0), promise);
      return;
    }
    for (int i = 0; i < chunks.size(); i++) {
      writer.queue(chunks.get(i), i == chunks.size() - 1 ? promise : ctx.voidPromise());
    }
  }

  private static List<ByteBuf> read(ByteBufAllocator alloc, FileRegion region) throws IOException {
    Collector into = new Collector(alloc, region.count() - region.transferred());
    try {
      while (region.transferred() < region.count()) {
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
      return into.chunks;
    } catch (IOException | RuntimeException e) {
      into.chunks.forEach(ByteBuf::release);
      throw e;
    }
  }

  /** A channel that copies what is written into buffers of at most {@link #CHUNK} bytes. */
  private static final class Collector implements WritableByteChannel {
    final List<ByteBuf> chunks = new ArrayList<>();
    private final ByteBufAllocator alloc;
    private long left;

    Collector(ByteBufAllocator alloc, long expected) {
      this.alloc = alloc;
      this.left = expected;
    }

    @Override
    public int write(ByteBuffer src) {
      int n = src.remaining();
      while (src.hasRemaining()) {
        ByteBuf last = chunks.isEmpty() ? null : chunks.get(chunks.size() - 1);
        if (last == null || !last.isWritable()) {
          int size = (int) Math.min(CHUNK, Math.max(left, src.remaining()));
          last = alloc.buffer(size, size);
          chunks.add(last);
        }
        int take = Math.min(last.writableBytes(), src.remaining());
        ByteBuffer part = src.duplicate();
        part.limit(part.position() + take);
        last.writeBytes(part);
        src.position(src.position() + take);
        left -= take;
      }
      return n;
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}
  }
}
