package io.niotls.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.niotls.engine.Status;
import io.niotls.engine.TlsEngine;
import io.niotls.transport.MemoryTransport;
import io.niotls.wire.TlsRecords;
import java.nio.ByteBuffer;

/**
 * The outbound half of a {@link TlsHandler}: the queue of plaintext written and not yet encrypted,
 * the encryption of one record's worth at a time (large buffers in place, small ones merged), and
 * the ciphertext buffers the engine's transport fills, written to the channel in order.
 *
 * <p>Passive: it never flushes the channel and calls user code only through promises it completes
 * or fails. Confined to the channel's event loop.
 */
final class RecordWriter {
  /** The most a record may grow by encryption in TLS 1.3; AEAD suites add 22 to 29 bytes. */
  private static final int RECORD_OVERHEAD = TlsRecords.MAX_TLS13_EXPANSION;

  private final PlaintextQueue pending;
  private final CiphertextOut out;
  private TlsEngine engine;
  private int recordPlaintext = TlsHandler.RECORD;

  RecordWriter(ChannelHandlerContext ctx, boolean direct) {
    pending = new PlaintextQueue(ctx.channel(), direct);
    out = new CiphertextOut(ctx.alloc());
  }

  /** Where the engine's transport puts ciphertext. */
  MemoryTransport.Sink sink() {
    return out;
  }

  void engine(TlsEngine engine) {
    this.engine = engine;
  }

  /**
   * The handshake is done: chunks now fill the session's records. A provider that pads its records
   * (the JDK's TLS 1.3) seals less than 16 KiB into one, and 16 KiB chunks would then take a full
   * record and a tiny one.
   *
   * @param plaintextPerRecord what one record of the session carries ({@link
   *     TlsEngine#plaintextPerRecord()})
   */
  void established(int plaintextPerRecord) {
    recordPlaintext = plaintextPerRecord;
  }

  void queue(ByteBuf plaintext, ChannelPromise promise) {
    pending.queue(plaintext, promise);
  }

  boolean hasQueued() {
    return !pending.isEmpty();
  }

  /** STARTTLS: writes what is queued as it is, unencrypted. */
  void writeQueuedAsPlaintext(ChannelHandlerContext ctx) {
    pending.writeAllAsIs(ctx);
  }

  /**
   * Encrypts the next record's worth of queued plaintext and writes its ciphertext, whose write
   * completes the promises of the writes it finished. Returns the engine's status: anything but OK
   * failed those promises (with the engine's failure, or as closed for writing).
   */
  Status encryptNext(ChannelHandlerContext ctx) {
    ByteBuf chunk = pending.take(ctx, recordPlaintext);
    ChannelPromise promise = pending.promiseFor(ctx, chunk.readableBytes());
    if (promise == null) {
      promise = ctx.newPromise();
    }
    Status s = encrypt(ctx, chunk);
    if (s == Status.OK) {
      writeCiphertext(ctx, promise);
    } else {
      writeCiphertext(ctx, null);
      promise.tryFailure(failure(s));
    }
    return s;
  }

  /** Why writes failed after {@link #encryptNext} returned {@code s}. */
  Throwable failure(Status s) {
    return s.isFatal()
        ? engine.failure()
        : TracelessExceptions.sslException("the TLS connection is closed for writing (" + s + ")");
  }

  /** Encrypts one chunk (at most a record's worth) and releases it. */
  private Status encrypt(ChannelHandlerContext ctx, ByteBuf chunk) {
    ByteBuf flat = chunk;
    try {
      int length = chunk.readableBytes();
      if (length == 0) {
        return Status.OK;
      }
      if (chunk.nioBufferCount() != 1) { // a composite the user wrote: one copy, one record
        flat = ctx.alloc().buffer(length).writeBytes(chunk);
      }
      // The buffer's own cached NIO view, as Netty's SslHandler wraps from: nioBuffer() would make
      // a new view (two objects for a duplicate or slice) per record. Nothing else reads the view
      // before the engine has taken every byte of it or failed.
      ByteBuffer src = flat.internalNioBuffer(flat.readerIndex(), length);
      out.expect(length + RECORD_OVERHEAD * (1 + length / TlsHandler.RECORD));
      while (src.hasRemaining()) {
        int n = engine.write(src);
        if (n > 0) {
          continue;
        }
        Status s = Status.ofCode(n);
        if (s != Status.WANT_TASK) {
          return s;
        }
        engine.runTasks();
      }
      return Status.OK;
    } finally {
      if (flat != chunk) {
        flat.release();
      }
      chunk.release();
    }
  }

  /**
   * Writes the ciphertext made so far, in order; {@code last}, when given, is the promise of the
   * last buffer (an empty one when there is no ciphertext). Returns the last write, or null.
   */
  ChannelFuture writeCiphertext(ChannelHandlerContext ctx, ChannelPromise last) {
    ChannelFuture written = null;
    for (ByteBuf b = out.poll(); b != null; b = out.poll()) {
      written = ctx.write(b, out.isEmpty() && last != null ? last : ctx.newPromise());
    }
    if (written == null && last != null) {
      written = ctx.write(Unpooled.EMPTY_BUFFER, last);
    }
    return written;
  }

  /** Fails and releases every queued write. */
  void failQueued(ChannelHandlerContext ctx, Throwable cause) {
    pending.failAll(ctx, cause);
  }

  /** Drops unwritten ciphertext and fails the queued writes: the connection is over. */
  void release(ChannelHandlerContext ctx, Throwable cause) {
    out.release();
    pending.failAll(ctx, cause);
  }
}
