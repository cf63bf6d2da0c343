package io.niotls.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.concurrent.ScheduledFuture;
import io.niotls.context.KeyMaterial;
import io.niotls.context.TlsContext;
import io.niotls.engine.SessionInfo;
import io.niotls.engine.Status;
import io.niotls.engine.TlsEngine;
import io.niotls.engine.UnderlyingEngine;
import io.niotls.transport.MemoryTransport;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;

/**
 * One connection of a {@link TlsHandler}, made when the handler is added to a pipeline: the niotls
 * engine over a {@link MemoryTransport}, the {@link HandlerState} it is in, the handshake and the
 * inbound path. The outbound path (writes, flushes, close) is its {@link Outbound}.
 *
 * <p>User code runs only inside {@code fire...} calls and promise listeners, always after the
 * ciphertext made so far was handed to the channel; the state is checked again after each. Confined
 * to the channel's event loop.
 */
final class HandlerSession {
  final TlsHandler handler;
  final ChannelHandlerContext ctx;
  final TlsContext context;
  final TlsEngine engine;
  final RecordWriter writer;
  final Outbound outbound;
  private final RecordReader reader;
  private final RecordReader.Sink plaintextSink = this::deliver; // made once, not per read
  private HandlerState state = HandlerState.DETACHED;
  private ScheduledFuture<?> handshakeDeadline;
  private boolean firedChannelRead; // this read batch passed plaintext on
  private long handshakeNanos; // from the start of the handshake; its duration once it is done
  private boolean heard; // a whole record arrived after the handshake
  PendingClose pendingClose; // the close() that waits for close_notify
  CloseAfterTickets closeAfterTickets; // a client's close() that waits for the server's tickets

  HandlerSession(
      TlsHandler handler,
      ChannelHandlerContext ctx,
      String peerHost,
      int peerPort,
      boolean startTls) {
    this.handler = handler;
    this.ctx = ctx;
    this.context = handler.context();
    boolean direct = context.prefersDirectBuffers();
    writer = new RecordWriter(ctx, direct);
    MemoryTransport transport = new MemoryTransport(context.bufferPool());
    transport.sink(writer.sink());
    engine =
        context.isClient()
            ? TlsEngine.client(context, transport, peerHost, peerPort)
            : TlsEngine.server(context, transport);
    writer.engine(engine);
    reader = new RecordReader(engine, transport, direct);
    outbound = new Outbound(this);
    moveTo(startTls ? HandlerState.PLAINTEXT : HandlerState.READY);
  }

  HandlerState state() {
    return state;
  }

  void moveTo(HandlerState target) {
    if (!state.canMoveTo(target)) {
      throw new IllegalStateException("illegal move " + state + " -> " + target);
    }
    state = target;
  }

  // ---- handshake -------------------------------------------------------------------------------

  /** Starts the handshake if the handler waits only for an active channel. */
  void startIfReady() {
    if (state == HandlerState.READY && ctx.channel().isActive()) {
      beginHandshake();
      driveHandshake();
      if (state == HandlerState.HANDSHAKING) {
        readIfNeeded();
      }
    }
  }

  private void beginHandshake() {
    moveTo(HandlerState.HANDSHAKING);
    handshakeNanos = System.nanoTime();
    long millis = handler.getHandshakeTimeoutMillis();
    if (millis > 0) {
      handshakeDeadline =
          ctx.executor().schedule(() -> handshakeTimedOut(millis), millis, TimeUnit.MILLISECONDS);
    }
  }

  private void driveHandshake() {
    Status s = engine.handshake();
    while (s == Status.WANT_TASK) {
      engine.runTasks();
      s = engine.handshake();
    }
    if (writer.writeCiphertext(ctx, null) != null) {
      ctx.flush();
    }
    if (s == Status.OK) {
      handshakeDone();
    } else if (s.isFatal()) {
      fail(engine.failure(), true);
    } // WANT_READ: the next channelRead goes on; WANT_WRITE cannot happen, the sink takes all
  }

  private void handshakeDone() {
    moveTo(HandlerState.OPEN);
    handshakeNanos = System.nanoTime() - handshakeNanos;
    cancelDeadline(); // an idle connection keeps nothing of its handshake
    SessionInfo session = engine.session();
    SSLSession sslSession = sslSession(session);
    reader.established(sslSession.getApplicationBufferSize());
    writer.established(engine.plaintextPerRecord());
    handler.established(session, sslSession);
    handler.handshakePromise().trySuccess(ctx.channel());
    ctx.fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
    outbound.handshakeDone();
  }

  /**
   * The session {@code SslHandler.engine()} shows: the SSLEngine's own where the engine runs over
   * one (SunJSSE's is what {@code SslMasterKeyHandler} reads the key from), else one made from what
   * the handshake negotiated.
   */
  private SSLSession sslSession(SessionInfo session) {
    SSLEngine underneath = UnderlyingEngine.of(engine);
    if (underneath != null) {
      return underneath.getSession();
    }
    KeyMaterial ours = context.keyMaterial();
    SSLEngine view = handler.engine();
    return new InfoSession(
        session, ours == null ? List.of() : ours.chain(), view.getPeerHost(), view.getPeerPort());
  }

  private void handshakeTimedOut(long millis) {
    if (state == HandlerState.HANDSHAKING) {
      fail(
          new SslHandshakeTimeoutException(
              "the TLS handshake did not finish in "
                  + millis
                  + " ms (TlsContext.handshakeTimeout, or the handler's setHandshakeTimeout)"),
          false);
    }
  }

  private void cancelDeadline() {
    if (handshakeDeadline != null) {
      handshakeDeadline.cancel(false);
      handshakeDeadline = null;
    }
  }

  /** How long the handshake took, once it is done. */
  long handshakeNanos() {
    return handshakeNanos;
  }

  /** Whether a whole record arrived after the handshake (a client's: the server's tickets). */
  boolean heardSinceHandshake() {
    return heard;
  }

  // ---- inbound ---------------------------------------------------------------------------------

  void read(ByteBuf in) {
    boolean record = false;
    boolean open = state == HandlerState.OPEN; // a read that ends the handshake brings no ticket
    try {
      if (state == HandlerState.READY || state == HandlerState.PLAINTEXT) {
        beginHandshake(); // data arrived: a STARTTLS plaintext window is over
      }
      if (state == HandlerState.DONE || !in.isReadable()) {
        return;
      }
      reader.feed(in);
      if (state == HandlerState.HANDSHAKING) {
        driveHandshake();
      }
      if (state.readsRecords()) {
        record = open && state == HandlerState.OPEN && reader.hasWholeRecord();
        heard |= record;
        Status s = readRecords(false);
        if (s.isFatal()) {
          fail(engine.failure(), true);
        }
      } else if (state == HandlerState.CLOSING) {
        readWhileClosing();
      }
    } finally {
      reader.detach();
      in.release();
    }
    if (record && closeAfterTickets != null && closeAfterTickets.waiting()) {
      closeAfterTickets.goOn();
    }
  }

  void readComplete() {
    // Netty's own stall fix: with autoRead off, a read that gave the user nothing (handshake
    // records, half a record) must be followed by another, or the user's read() is never answered.
    if (state != HandlerState.DONE && (!state.readsRecords() || !firedChannelRead)) {
      readIfNeeded();
    }
    firedChannelRead = false;
  }

  /**
   * Decrypts every whole record buffered, passing plaintext on; returns how it stopped: WANT_READ
   * (needs more), ZERO_RETURN (the peer's close_notify), OK (the state changed under it) or fatal.
   */
  private Status readRecords(boolean eof) {
    Status s = reader.read(ctx.alloc(), eof, plaintextSink);
    if (state == HandlerState.DONE) {
      return Status.OK;
    }
    if (writer.writeCiphertext(ctx, null) != null) { // post-handshake answers, such as KeyUpdate's
      ctx.flush();
    }
    if (s == Status.ZERO_RETURN && engine.isPeerClosed()) {
      peerClosed();
    }
    return s;
  }

  /** Passes one buffer of plaintext on; false when reading must stop (the state changed). */
  private boolean deliver(ByteBuf plaintext) {
    firedChannelRead = true;
    ctx.fireChannelRead(plaintext); // user code: it may close or remove this handler
    return state.readsRecords();
  }

  private void peerClosed() {
    if (handler.closePromise().trySuccess(ctx.channel())) {
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
  private void readWhileClosing() {
    Status s = engine.shutdown();
    if (writer.writeCiphertext(ctx, null) != null) {
      ctx.flush();
    }
    if (s == Status.DONE && engine.isPeerClosed()) {
      peerClosed();
    } else if (s == Status.DONE || s.isFatal()) {
      pendingClose.now();
    }
  }

  /** The input was shut down while the channel stays open. */
  void inputShutdown() {
    if (state == HandlerState.HANDSHAKING) {
      fail(inboundEnded(), false);
    } else if (state.readsRecords()) {
      Throwable cause = inboundEnded();
      if (state != HandlerState.DONE && handler.closePromise().tryFailure(cause)) {
        ctx.fireUserEventTriggered(new SslCloseCompletionEvent(cause));
      }
    }
  }

  /**
   * The inbound stream ended (channel inactive, or input shut down): returns what to fail the
   * futures still waiting with. Without the peer's close_notify, the engine reports a truncation.
   */
  Throwable inboundEnded() {
    if (state == HandlerState.HANDSHAKING) {
      reader.feedEof();
      Status s = engine.handshake();
      if (s.isFatal()) {
        return engine.failure();
      }
    } else if (state == HandlerState.OPEN && !engine.isPeerClosed()) {
      reader.feedEof();
      Status s = readRecords(true);
      if (s.isFatal()) {
        return engine.failure();
      }
    }
    return TracelessExceptions.closedChannel();
  }

  void readIfNeeded() {
    if (!ctx.channel().config().isAutoRead()) {
      ctx.read();
    }
  }

  // ---- failure and release ---------------------------------------------------------------------

  /** The connection failed: report it, free everything, close the channel. */
  void fail(Throwable cause, boolean fireException) {
    if (state == HandlerState.DONE) {
      return;
    }
    end(cause);
    if (fireException) {
      ctx.fireExceptionCaught(cause);
    }
    ctx.close();
  }

  /**
   * The one way out: hands the last ciphertext (an alert) to the channel, frees the engine and the
   * queued writes, then fails what still waits with {@code cause} and fires the matching events.
   */
  void end(Throwable cause) {
    if (state == HandlerState.DONE) {
      return;
    }
    moveTo(HandlerState.DONE);
    cancelDeadline();
    if (writer.writeCiphertext(ctx, null) != null) {
      ctx.flush();
    }
    engine.close();
    writer.release(ctx, cause);
    outbound.release(cause);
    if (handler.handshakePromise().tryFailure(cause)) {
      ctx.fireUserEventTriggered(new SslHandshakeCompletionEvent(cause));
    }
    if (handler.closePromise().tryFailure(cause)) {
      ctx.fireUserEventTriggered(new SslCloseCompletionEvent(cause));
    }
    if (pendingClose != null) {
      pendingClose.now();
    }
    if (closeAfterTickets != null && closeAfterTickets.waiting()) {
      closeAfterTickets.goOn(); // the channel is gone or going: the close completes
    }
  }
}
