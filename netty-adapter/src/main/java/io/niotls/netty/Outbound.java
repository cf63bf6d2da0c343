package io.niotls.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;
import io.netty.handler.codec.UnsupportedMessageTypeException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.PromiseNotifier;
import io.niotls.engine.Status;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The outbound path of a {@link HandlerSession}: writes ({@link ByteBuf}s, and {@link FileRegion}s
 * read as the channel drains, by a {@link FileStream}), flushes (held back during the handshake,
 * plaintext in a STARTTLS window), and close: close_notify after the pending writes, then the
 * channel.
 *
 * <p>Confined to the channel's event loop.
 */
final class Outbound {
  /** Where flushing is: a flush asked for during the handshake runs when it ends. */
  private enum Flush {
    IDLE,
    AFTER_HANDSHAKE,
    /** The encryption loop runs; a flush from a promise listener inside it is taken by it. */
    RUNNING
  }

  private final HandlerSession session;
  private final ChannelHandlerContext ctx;
  private Flush flush = Flush.IDLE;
  private FileStream files; // made by the first FileRegion written
  private ChannelFuture closeNotify; // the write of our close_notify, once it is sent

  Outbound(HandlerSession session) {
    this.session = session;
    this.ctx = session.ctx;
  }

  void write(Object msg, ChannelPromise promise) {
    if (session.state().closedForWriting()) {
      ReferenceCountUtil.release(msg);
      promise.tryFailure(
          TracelessExceptions.sslException("the TLS connection is closed for writing"));
    } else if (files != null && files.active()) {
      files.write(msg, promise); // behind a FileRegion still being read
    } else if (msg instanceof ByteBuf buf) {
      session.writer.queue(buf, promise);
    } else if (msg instanceof FileRegion region) {
      if (files == null) {
        files =
            new FileStream(
                ctx, session.writer, session.context.prefersDirectBuffers(), this::readFilesOn);
      }
      files.write(region, promise);
    } else {
      ReferenceCountUtil.release(msg);
      promise.tryFailure(new UnsupportedMessageTypeException(msg, ByteBuf.class, FileRegion.class));
    }
  }

  void flush() {
    if (files != null) {
      files.flushed();
    }
    HandlerState state = session.state();
    if (state == HandlerState.PLAINTEXT) {
      if (!drainFiles()) {
        return;
      }
      session.writer.writeQueuedAsPlaintext(ctx);
      ctx.flush();
      session.moveTo(HandlerState.READY);
      session.startIfReady();
    } else if (state == HandlerState.OPEN) {
      flushPlaintext();
    } else if (state.beforeOpen()) {
      flush = Flush.AFTER_HANDSHAKE;
    } else {
      ctx.flush();
    }
  }

  void handshakeDone() {
    if (session.state() == HandlerState.OPEN && flush == Flush.AFTER_HANDSHAKE) {
      flush = Flush.IDLE;
      flushPlaintext();
    }
  }

  /** A chunk of a FileRegion was written: the next ones are read, encrypted and written. */
  private void readFilesOn() {
    if (files.ready() && session.state() == HandlerState.OPEN) { // files made this callback
      flushPlaintext();
    }
  }

  /**
   * Encrypts the queued plaintext a record at a time and writes it, with the next chunks of a
   * FileRegion being sent, then flushes the channel.
   */
  private void flushPlaintext() {
    if (flush == Flush.RUNNING) {
      return; // called back from a promise listener: the loop below takes the new writes too
    }
    flush = Flush.RUNNING;
    IOException broken = null;
    try {
      encryptQueued();
      while (files != null && session.state() == HandlerState.OPEN && files.feed()) {
        encryptQueued();
      }
    } catch (IOException e) {
      broken = e;
    } finally {
      flush = Flush.IDLE;
    }
    ctx.flush();
    if (broken != null) {
      session.fail(broken, true); // no close_notify after part of a file: the peer sees truncation
    } else if (files != null) {
      files.endReached(); // a close that waited for the file goes on
    }
  }

  private void encryptQueued() {
    RecordWriter writer = session.writer;
    while (session.state() == HandlerState.OPEN && writer.hasQueued()) {
      Status s = writer.encryptNext(ctx);
      if (s.isFatal()) {
        session.fail(session.engine.failure(), true);
      } else if (s != Status.OK) {
        Throwable cause = writer.failure(s);
        writer.failQueued(ctx, cause);
        if (files != null) {
          files.release(cause);
        }
      }
    }
  }

  /** A close() waited for a FileRegion longer than the close_notify flush timeout. */
  private void filesTooSlow(long millis) {
    if (files.closeWaits() && session.state() == HandlerState.OPEN) {
      session.fail(
          TracelessExceptions.sslException(
              "the FileRegion being sent did not end within the close_notify flush timeout ("
                  + millis
                  + " ms): the connection was closed without close_notify"),
          true);
    }
  }

  /**
   * Reads what FileRegions are still to send into the writer's queue at once (a STARTTLS plaintext
   * window). False when one failed part-way: the connection ended.
   */
  private boolean drainFiles() {
    if (files == null || !files.active()) {
      return true;
    }
    try {
      files.drain();
      return true;
    } catch (IOException e) {
      session.fail(e, true);
      return false;
    }
  }

  /** The connection is over: what FileRegions and the writes behind them wait fails. */
  void release(Throwable cause) {
    if (files != null) {
      files.release(cause);
    }
  }

  // ---- close -----------------------------------------------------------------------------------

  /** close() or disconnect(): close_notify after the pending writes, then the channel. */
  void close(ChannelPromise promise, boolean disconnect) {
    if (session.closeAfterTickets != null && session.closeAfterTickets.waiting()) {
      // an earlier close() waits for the server's tickets: this one ends with it
      ctx.channel().closeFuture().addListener(f -> promise.trySuccess());
      return;
    }
    if (session.state() == HandlerState.OPEN && ctx.channel().isActive()) {
      if (files != null && files.active()) {
        // close_notify after the whole file: the close waits for its last chunk, at most as long
        // as it would wait for close_notify to be written
        ctx.channel().closeFuture().addListener(f -> promise.trySuccess());
        if (!files.closeWaits()) {
          long millis = session.handler.getCloseNotifyFlushTimeoutMillis();
          files.closeAfterStream(
              () -> close(promise, disconnect),
              millis <= 0 // as SslHandler's: no timeout
                  ? null
                  : ctx.executor()
                      .schedule(() -> filesTooSlow(millis), millis, TimeUnit.MILLISECONDS));
          flushPlaintext();
        }
        return;
      }
      flushPlaintext();
      if (CloseAfterTickets.applies(session)) {
        session.closeAfterTickets = CloseAfterTickets.start(session, promise, disconnect);
        return;
      }
    }
    HandlerState state = session.state();
    if (state.readsRecords() && ctx.channel().isActive()) {
      boolean sent = state == HandlerState.OUTBOUND_CLOSED;
      session.moveTo(HandlerState.CLOSING);
      session.pendingClose = new PendingClose(ctx, promise, disconnect);
      session.pendingClose.start(
          sent ? closeNotify : sendCloseNotify(), // after closeOutbound(): waits for its write
          session.handler.getCloseNotifyFlushTimeoutMillis(),
          session.handler.getCloseNotifyReadTimeoutMillis(),
          session.engine::isPeerClosed);
      return;
    }
    if (state == HandlerState.CLOSING) {
      ctx.channel().closeFuture().addListener(f -> promise.trySuccess());
      return;
    }
    if (state == HandlerState.HANDSHAKING) {
      session.engine.shutdown(); // aborts the handshake with an alert
      session.end(
          TracelessExceptions.sslException("the channel was closed during the TLS handshake"));
    }
    if (disconnect) {
      ctx.disconnect(promise);
    } else {
      ctx.close(promise);
    }
  }

  /** close_notify after the pending writes, the channel left open (a TLS half-close). */
  void closeOutbound(ChannelPromise promise) {
    HandlerState state = session.state();
    if (state == HandlerState.OUTBOUND_CLOSED || state == HandlerState.CLOSING) {
      promise.trySuccess();
      return;
    }
    if (state != HandlerState.OPEN) {
      promise.tryFailure(
          new IllegalStateException("closeOutbound() needs an established connection: " + state));
      return;
    }
    if (files != null && files.active()) {
      // close_notify after the whole file, however long it takes to send
      ctx.channel()
          .closeFuture()
          .addListener(
              f ->
                  promise.tryFailure(
                      TracelessExceptions.sslException(
                          "the connection ended before close_notify was sent")));
      files.afterStream(() -> closeOutbound(promise));
      flushPlaintext();
      return;
    }
    flushPlaintext();
    if (session.state() != HandlerState.OPEN) {
      promise.tryFailure(
          TracelessExceptions.sslException("the connection ended before close_notify was sent"));
      return;
    }
    session.moveTo(HandlerState.OUTBOUND_CLOSED);
    sendCloseNotify().addListener(new PromiseNotifier<Void, ChannelFuture>(promise));
  }

  private ChannelFuture sendCloseNotify() {
    session.engine.shutdown(); // SENT or DONE; a failure shows when reading
    closeNotify = session.writer.writeCiphertext(ctx, ctx.newPromise());
    ctx.flush();
    return closeNotify;
  }
}
