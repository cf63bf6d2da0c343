package io.niotls.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.UnsupportedMessageTypeException;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.PromiseNotifier;
import io.netty.util.concurrent.ScheduledFuture;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.engine.SessionInfo;
import io.niotls.engine.Status;
import io.niotls.engine.TlsEngine;
import io.niotls.transport.MemoryTransport;
import io.niotls.wire.TlsRecords;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * TLS in a Netty pipeline, done by the niotls {@link TlsEngine} over a {@link MemoryTransport}: the
 * same engine as the selector loop, so the same tests and the same errors. It takes the place of
 * Netty's {@code SslHandler} in one line and speaks its language: the same {@link
 * SslHandshakeCompletionEvent} and {@link SslCloseCompletionEvent}, a {@link #handshakeFuture()}
 * and a {@link #closeFuture()}.
 *
 * <pre>{@code
 * ch.pipeline().addLast(TlsHandler.server(serverContext));   // was: sslContext.newHandler(alloc)
 * ch.pipeline().addLast(TlsHandler.client(clientContext, "example.com", 443));
 * }</pre>
 *
 * <p>Inbound, every whole record of a {@code channelRead} is decrypted and passed on as {@link
 * ByteBuf}s; a record split across reads waits for its rest. Outbound, plaintext {@code ByteBuf}s
 * are queued (counting towards the channel's writability) and encrypted on {@code flush()}: small
 * writes are merged into full 16 KiB records, large ones are encrypted in place, and each write's
 * promise completes when the ciphertext carrying its last byte is written. With {@code
 * autoRead=false} the handler asks for the reads its handshake needs.
 *
 * <p>{@code close()} sends close_notify after the pending writes and closes the channel once it is
 * written, waiting at most {@link #closeNotifyFlushTimeout} for that (and, if set, up to {@link
 * #closeNotifyReadTimeout} for the peer's). A connection that ends without the peer's close_notify
 * fails {@link #closeFuture()} with a {@link io.niotls.engine.TlsException} of status SYSCALL that
 * says it may be truncated. The handshake fails after {@link TlsContext#handshakeTimeout()}.
 *
 * <p>Re-entrancy: user code runs only inside the handler's {@code fire...} calls and promise
 * listeners, and always after the ciphertext produced so far was handed to the channel; the handler
 * re-checks its state after each, so user code may write, flush, close or remove the handler from
 * there. All methods run on the channel's event loop, except the futures, {@link #session()} and
 * {@link #closeOutbound()}, which any thread may call.
 */
public final class TlsHandler extends ChannelDuplexHandler {
  /** The largest plaintext of one record (RFC 8446 section 5.1). */
  static final int RECORD = TlsRecords.MAX_PLAINTEXT_BODY;

  private final TlsContext context;
  private final String peerHost;
  private final int peerPort;
  private final HandlerPromise handshakePromise = new HandlerPromise();
  private final HandlerPromise closePromise = new HandlerPromise();
  private final RecordReader.Sink plaintextSink = this::deliver; // made once, not per read
  private boolean startTls;
  private volatile long closeNotifyFlushTimeoutMillis = 3000;
  private volatile long closeNotifyReadTimeoutMillis;
  private volatile SessionInfo session;

  private ChannelHandlerContext ctx;
  private TlsEngine engine;
  private RecordReader reader;
  private RecordWriter writer;
  private HandlerState state = HandlerState.DETACHED;
  private boolean firstFlushDone; // startTls: the first flush passed in plaintext
  private boolean flushAfterHandshake;
  private boolean flushing;
  private boolean firedChannelRead;
  private boolean closeNotifySent;
  private PendingClose pendingClose; // the close() that waits for close_notify
  private ScheduledFuture<?> handshakeDeadline;

  private TlsHandler(TlsContext context, String peerHost, int peerPort) {
    this.context = Objects.requireNonNull(context, "context");
    this.peerHost = peerHost;
    this.peerPort = peerPort;
  }

  /**
   * A client: {@code host} is sent as SNI (unless an IP literal or overridden in the context) and
   * verified against the server's certificate; {@code host} and {@code port} also key the session
   * cache for resumption.
   *
   * @throws IllegalArgumentException when the context is not a client context
   */
  public static TlsHandler client(TlsContext context, String host, int port) {
    if (!context.isClient()) {
      throw new IllegalArgumentException("TlsHandler.client needs a context from forClient()");
    }
    return new TlsHandler(context, Objects.requireNonNull(host, "host"), port);
  }

  /**
   * A server.
   *
   * @throws IllegalArgumentException when the context is not a server context
   */
  public static TlsHandler server(TlsContext context) {
    if (context.isClient()) {
      throw new IllegalArgumentException("TlsHandler.server needs a context from forServer()");
    }
    return new TlsHandler(context, null, -1);
  }

  /**
   * STARTTLS mode, as Netty's {@code startTls} flag: what is written before the first {@code
   * flush()} goes out in plaintext (the "go ahead" answer to a STARTTLS command), and the handshake
   * begins after it. Call before adding the handler to a pipeline.
   */
  public TlsHandler startTls() {
    if (state != HandlerState.DETACHED) {
      throw new IllegalStateException("startTls() must be set before the handler is added");
    }
    startTls = true;
    return this;
  }

  /** How long close() waits for its close_notify to be written (default 3 s). */
  public TlsHandler closeNotifyFlushTimeout(Duration timeout) {
    closeNotifyFlushTimeoutMillis = Math.max(0, timeout.toMillis());
    return this;
  }

  /**
   * How long close() then waits for the peer's close_notify before closing the channel (default 0:
   * it does not wait, as TLS allows and as Netty's SslHandler does).
   */
  public TlsHandler closeNotifyReadTimeout(Duration timeout) {
    closeNotifyReadTimeoutMillis = Math.max(0, timeout.toMillis());
    return this;
  }

  /**
   * Succeeds with the channel when the handshake is done, or fails with why (a {@link
   * io.niotls.engine.TlsException}, an {@link SslHandshakeTimeoutException}, a {@link
   * ClosedChannelException}).
   */
  public Future<Channel> handshakeFuture() {
    return handshakePromise;
  }

  /**
   * Succeeds when the peer's close_notify arrives; fails when the connection ends without it: a
   * SYSCALL {@link io.niotls.engine.TlsException} when the peer stopped without close_notify (the
   * data may be truncated), a {@link ClosedChannelException} when we closed first.
   */
  public Future<Channel> closeFuture() {
    return closePromise;
  }

  /** What the handshake negotiated (protocol, suite, ALPN, peer chain, resumed); null before. */
  public SessionInfo session() {
    return session;
  }

  /** The negotiated ALPN protocol, or null. */
  public String applicationProtocol() {
    SessionInfo s = session;
    return s == null ? null : s.applicationProtocol();
  }

  public TlsContext context() {
    return context;
  }

  /**
   * Sends close_notify after the pending writes without closing the channel (a TLS half-close):
   * later writes fail, reads go on until the peer's close_notify. Any thread.
   *
   * @return completes when close_notify is written
   */
  public ChannelFuture closeOutbound() {
    ChannelHandlerContext c = ctx;
    if (c == null) {
      throw new IllegalStateException("the handler is not in a pipeline");
    }
    ChannelPromise promise = c.newPromise();
    if (c.executor().inEventLoop()) {
      closeOutbound(c, promise);
    } else {
      c.executor().execute(() -> closeOutbound(c, promise));
    }
    return promise;
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (state != HandlerState.DETACHED) {
      throw new IllegalStateException("a TlsHandler serves one pipeline once");
    }
    this.ctx = ctx;
    handshakePromise.attach(ctx.executor());
    closePromise.attach(ctx.executor());
    boolean direct = context.provider() == Provider.OPENSSL;
    writer = new RecordWriter(ctx, direct);
    MemoryTransport transport = new MemoryTransport(context.bufferPool());
    transport.sink(writer.sink());
    engine =
        context.isClient()
            ? TlsEngine.client(context, transport, peerHost, peerPort)
            : TlsEngine.server(context, transport);
    writer.engine(engine);
    reader = new RecordReader(engine, transport, direct);
    moveTo(HandlerState.READY);
    if (ctx.channel().isActive() && !startTls) {
      startHandshake(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    if (state == HandlerState.READY && !startTls) {
      startHandshake(ctx);
    }
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    end(ctx, inboundEnded(ctx));
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    end(ctx, TracelessExceptions.sslException("the TlsHandler was removed from the pipeline"));
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent
        && (state == HandlerState.HANDSHAKING || state == HandlerState.OPEN)) {
      boolean handshaking = state == HandlerState.HANDSHAKING;
      Throwable cause = inboundEnded(ctx);
      if (handshaking) {
        fail(ctx, cause, false);
      } else if (state != HandlerState.DONE && closePromise.tryFailure(cause)) {
        ctx.fireUserEventTriggered(new SslCloseCompletionEvent(cause));
      }
    }
    ctx.fireUserEventTriggered(evt);
  }

  // ---- handshake -------------------------------------------------------------------------------

  private void startHandshake(ChannelHandlerContext ctx) {
    beginHandshake(ctx);
    driveHandshake(ctx);
    if (state == HandlerState.HANDSHAKING) {
      readIfNeeded(ctx);
    }
  }

  private void beginHandshake(ChannelHandlerContext ctx) {
    moveTo(HandlerState.HANDSHAKING);
    long millis = context.handshakeTimeout().toMillis();
    handshakeDeadline =
        ctx.executor().schedule(() -> handshakeTimedOut(millis), millis, TimeUnit.MILLISECONDS);
  }

  private void driveHandshake(ChannelHandlerContext ctx) {
    Status s = engine.handshake();
    while (s == Status.WANT_TASK) {
      engine.runTasks();
      s = engine.handshake();
    }
    if (writer.writeCiphertext(ctx, null) != null) {
      ctx.flush();
    }
    if (s == Status.OK) {
      handshakeDone(ctx);
    } else if (s.isFatal()) {
      fail(ctx, engine.failure(), true);
    } // WANT_READ: the next channelRead goes on; WANT_WRITE cannot happen, the sink takes all
  }

  private void handshakeDone(ChannelHandlerContext ctx) {
    moveTo(HandlerState.OPEN);
    handshakeDeadline.cancel(false);
    handshakeDeadline = null; // an idle connection keeps nothing of its handshake
    session = engine.session();
    reader.established();
    writer.established(context.provider(), session.protocol());
    handshakePromise.trySuccess(ctx.channel());
    ctx.fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
    if (state == HandlerState.OPEN && flushAfterHandshake) {
      flushAfterHandshake = false;
      flushPlaintext(ctx);
    }
  }

  private void handshakeTimedOut(long millis) {
    if (state == HandlerState.HANDSHAKING) {
      fail(
          ctx,
          new SslHandshakeTimeoutException(
              "the TLS handshake did not finish in "
                  + millis
                  + " ms (TlsContext.handshakeTimeout)"),
          false);
    }
  }

  // ---- inbound ---------------------------------------------------------------------------------

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf)) {
      ctx.fireChannelRead(msg);
      return;
    }
    ByteBuf in = (ByteBuf) msg;
    try {
      if (state == HandlerState.READY) {
        beginHandshake(ctx);
        firstFlushDone = true; // data arrived: the startTls plaintext window is over
      }
      if (state == HandlerState.DONE || !in.isReadable()) {
        return;
      }
      reader.feed(in);
      if (state == HandlerState.HANDSHAKING) {
        driveHandshake(ctx);
      }
      if (state == HandlerState.OPEN) {
        Status s = readRecords(ctx, false);
        if (s.isFatal()) {
          fail(ctx, engine.failure(), true);
        }
      } else if (state == HandlerState.CLOSING) {
        readWhileClosing(ctx);
      }
    } finally {
      if (reader != null) {
        reader.detach();
      }
      in.release();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    // Netty's own stall fix: with autoRead off, a read that gave the user nothing (handshake
    // records, half a record) must be followed by another, or the user's read() is never answered.
    if (state != HandlerState.DONE && (state != HandlerState.OPEN || !firedChannelRead)) {
      readIfNeeded(ctx);
    }
    firedChannelRead = false;
    ctx.fireChannelReadComplete();
  }

  /**
   * Decrypts every whole record buffered, passing plaintext on; returns how it stopped: WANT_READ
   * (needs more), ZERO_RETURN (the peer's close_notify), OK (the state changed under it) or fatal.
   */
  private Status readRecords(ChannelHandlerContext ctx, boolean eof) {
    Status s = reader.read(ctx.alloc(), eof, plaintextSink);
    if (state == HandlerState.DONE) {
      return Status.OK;
    }
    if (writer.writeCiphertext(ctx, null) != null) { // post-handshake answers, such as KeyUpdate's
      ctx.flush();
    }
    if (s == Status.ZERO_RETURN && engine.isPeerClosed()) {
      peerClosed(ctx);
    }
    return s;
  }

  /** Passes one buffer of plaintext on; false when reading must stop (the state changed). */
  private boolean deliver(ByteBuf plaintext) {
    firedChannelRead = true;
    ctx.fireChannelRead(plaintext); // user code: it may close or remove this handler
    return state == HandlerState.OPEN;
  }

  private void peerClosed(ChannelHandlerContext ctx) {
    if (closePromise.trySuccess(ctx.channel())) {
      ctx.fireUserEventTriggered(SslCloseCompletionEvent.SUCCESS);
    }
    if (state == HandlerState.CLOSING) {
      pendingClose.now();
    }
  }

  /**
   * After close(): reads and discards until the peer's close_notify (DONE). A DONE without it, or a
   * failure, leaves nothing to wait for either.
   */
  private void readWhileClosing(ChannelHandlerContext ctx) {
    Status s = engine.shutdown();
    if (writer.writeCiphertext(ctx, null) != null) {
      ctx.flush();
    }
    if (s == Status.DONE && engine.isPeerClosed()) {
      peerClosed(ctx);
    } else if (s == Status.DONE || s.isFatal()) {
      pendingClose.now();
    }
  }

  /**
   * The inbound stream ended (channel inactive, or input shut down): returns what to fail the
   * futures still waiting with. Without the peer's close_notify, the engine reports a truncation.
   */
  private Throwable inboundEnded(ChannelHandlerContext ctx) {
    if (state == HandlerState.HANDSHAKING) {
      reader.feedEof();
      Status s = engine.handshake();
      if (s.isFatal()) {
        return engine.failure();
      }
    } else if (state == HandlerState.OPEN && !engine.isPeerClosed() && !closeNotifySent) {
      reader.feedEof();
      Status s = readRecords(ctx, true);
      if (s.isFatal()) {
        return engine.failure();
      }
    }
    return TracelessExceptions.closedChannel();
  }

  private void readIfNeeded(ChannelHandlerContext ctx) {
    if (!ctx.channel().config().isAutoRead()) {
      ctx.read();
    }
  }

  // ---- outbound --------------------------------------------------------------------------------

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof ByteBuf)) {
      ReferenceCountUtil.release(msg);
      promise.tryFailure(new UnsupportedMessageTypeException(msg, ByteBuf.class));
    } else if (state == HandlerState.DONE || state == HandlerState.CLOSING || closeNotifySent) {
      ReferenceCountUtil.release(msg);
      promise.tryFailure(
          TracelessExceptions.sslException("the TLS connection is closed for writing"));
    } else {
      writer.queue((ByteBuf) msg, promise);
    }
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    if (startTls && !firstFlushDone) {
      firstFlushDone = true;
      writer.writeQueuedAsPlaintext(ctx);
      ctx.flush();
      if (state == HandlerState.READY && ctx.channel().isActive()) {
        startHandshake(ctx);
      }
      return;
    }
    if (state == HandlerState.OPEN) {
      flushPlaintext(ctx);
    } else if (state == HandlerState.READY || state == HandlerState.HANDSHAKING) {
      flushAfterHandshake = true;
    } else {
      ctx.flush();
    }
  }

  /** Encrypts the queued plaintext a record at a time and writes it, then flushes the channel. */
  private void flushPlaintext(ChannelHandlerContext ctx) {
    if (flushing) {
      return; // called back from a promise listener: the loop below takes the new writes too
    }
    flushing = true;
    try {
      while (state == HandlerState.OPEN && !closeNotifySent && writer.hasQueued()) {
        Status s = writer.encryptNext(ctx);
        if (s.isFatal()) {
          fail(ctx, engine.failure(), true);
        } else if (s != Status.OK) {
          writer.failQueued(ctx, writer.failure(s));
        }
      }
    } finally {
      flushing = false;
    }
    ctx.flush();
  }

  // ---- close -----------------------------------------------------------------------------------

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    closeWithNotify(ctx, promise, false);
  }

  @Override
  public void disconnect(ChannelHandlerContext ctx, ChannelPromise promise) {
    closeWithNotify(ctx, promise, true);
  }

  private void closeWithNotify(ChannelHandlerContext ctx, ChannelPromise promise, boolean disc) {
    if (state == HandlerState.OPEN && ctx.channel().isActive()) {
      flushPlaintext(ctx);
    }
    if (state == HandlerState.OPEN && ctx.channel().isActive()) {
      moveTo(HandlerState.CLOSING);
      pendingClose = new PendingClose(ctx, promise, disc);
      pendingClose.start(
          closeNotifySent ? ctx.newSucceededFuture() : sendCloseNotify(ctx),
          closeNotifyFlushTimeoutMillis,
          closeNotifyReadTimeoutMillis,
          engine::isPeerClosed);
      return;
    }
    if (state == HandlerState.CLOSING) {
      ctx.channel().closeFuture().addListener(f -> promise.trySuccess());
      return;
    }
    if (state == HandlerState.HANDSHAKING) {
      engine.shutdown(); // aborts the handshake with an alert
      end(ctx, TracelessExceptions.sslException("the channel was closed during the TLS handshake"));
    }
    if (disc) {
      ctx.disconnect(promise);
    } else {
      ctx.close(promise);
    }
  }

  private void closeOutbound(ChannelHandlerContext ctx, ChannelPromise promise) {
    if (closeNotifySent) {
      promise.trySuccess();
      return;
    }
    if (state != HandlerState.OPEN) {
      promise.tryFailure(
          new IllegalStateException("closeOutbound() needs an established connection: " + state));
      return;
    }
    flushPlaintext(ctx);
    sendCloseNotify(ctx).addListener(new PromiseNotifier<Void, ChannelFuture>(promise));
  }

  private ChannelFuture sendCloseNotify(ChannelHandlerContext ctx) {
    closeNotifySent = true;
    engine.shutdown(); // SENT or DONE; a failure shows when reading
    ChannelFuture written = writer.writeCiphertext(ctx, ctx.newPromise());
    ctx.flush();
    return written;
  }

  // ---- failure and release ---------------------------------------------------------------------

  /** The connection failed: report it, free everything, close the channel. */
  private void fail(ChannelHandlerContext ctx, Throwable cause, boolean fireException) {
    if (state == HandlerState.DONE) {
      return;
    }
    end(ctx, cause);
    if (fireException) {
      ctx.fireExceptionCaught(cause);
    }
    ctx.close();
  }

  /**
   * The one way out: hands the last ciphertext (an alert) to the channel, frees the engine and the
   * queued writes, then fails what still waits with {@code cause} and fires the matching events.
   */
  private void end(ChannelHandlerContext ctx, Throwable cause) {
    if (state == HandlerState.DONE || state == HandlerState.DETACHED) {
      return;
    }
    moveTo(HandlerState.DONE);
    if (handshakeDeadline != null) {
      handshakeDeadline.cancel(false);
      handshakeDeadline = null;
    }
    if (writer.writeCiphertext(ctx, null) != null) {
      ctx.flush();
    }
    engine.close();
    writer.release(ctx, cause);
    if (handshakePromise.tryFailure(cause)) {
      ctx.fireUserEventTriggered(new SslHandshakeCompletionEvent(cause));
    }
    if (closePromise.tryFailure(cause)) {
      ctx.fireUserEventTriggered(new SslCloseCompletionEvent(cause));
    }
    if (pendingClose != null) {
      pendingClose.now();
    }
  }

  private void moveTo(HandlerState target) {
    if (!state.canMoveTo(target)) {
      throw new IllegalStateException("illegal move " + state + " -> " + target);
    }
    state = target;
  }

  /** The handler's state, for tests. */
  HandlerState state() {
    return state;
  }

  @Override
  public String toString() {
    return "TlsHandler[" + (context.isClient() ? "client " : "server ") + state + "]";
  }
}
