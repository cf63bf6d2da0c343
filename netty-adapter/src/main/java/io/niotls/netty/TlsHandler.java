package io.niotls.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.niotls.context.TlsContext;
import io.niotls.engine.SessionInfo;
import io.niotls.engine.TlsEngine;
import io.niotls.engine.UnderlyingEngine;
import io.niotls.transport.MemoryTransport;
import io.niotls.wire.TlsRecords;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;

/**
 * TLS in a Netty pipeline, done by the niotls {@link TlsEngine} over a {@link MemoryTransport}: the
 * same engine as the selector loop, so the same tests and the same errors. It <em>is</em> an {@link
 * SslHandler}, so whatever looks for one finds it ({@code pipeline.get(SslHandler.class)}, {@code
 * ApplicationProtocolNegotiationHandler}, gRPC, Reactor Netty, {@code SslMasterKeyHandler}), and it
 * speaks its language: {@link SslHandshakeCompletionEvent}, {@link SslCloseCompletionEvent}, {@link
 * #handshakeFuture()}, {@link #sslCloseFuture()}, {@link #engine()} (a view of the session that
 * refuses to wrap or unwrap), the timeouts' getters and setters.
 *
 * <pre>{@code
 * ch.pipeline().addLast(TlsHandler.server(serverContext));   // or NiotlsSslContext.of(...)
 * ch.pipeline().addLast(TlsHandler.client(clientContext, "example.com", 443));
 * }</pre>
 *
 * <p>Inbound, every whole record of a {@code channelRead} is decrypted and passed on as {@link
 * ByteBuf}s; a record split across reads waits for its rest. Outbound, plaintext {@code ByteBuf}s
 * are queued, counting towards the channel's writability, and encrypted on {@code flush()}: small
 * writes are merged into full 16 KiB records, and each write's promise completes when the
 * ciphertext carrying its last byte is written. A {@code FileRegion} is read a chunk at a time as
 * the channel drains (TLS cannot send a file zero-copy, and a large file is not held in memory
 * whole); the writes behind it wait for it. With {@code autoRead=false} the handler asks for the
 * reads its handshake needs.
 *
 * <p>{@code close()} sends close_notify after the pending writes and closes the channel once it is
 * written, waiting at most {@link #getCloseNotifyFlushTimeoutMillis()} for that (and, if set, up to
 * {@link #getCloseNotifyReadTimeoutMillis()} for the peer's). A connection that ends without the
 * peer's close_notify fails {@link #sslCloseFuture()} with a {@link io.niotls.engine.TlsException}
 * of status SYSCALL that says it may be truncated. A TLS 1.3 client that has read nothing since its
 * handshake first waits for the server's session tickets, at most twice as long as the handshake
 * took (10–200 ms), so that a client that only handshakes and closes resumes next time. The
 * handshake fails after {@link #getHandshakeTimeoutMillis()}, which starts as {@link
 * TlsContext#handshakeTimeout()}.
 *
 * <p>What differs from Netty's own: the settings are the {@link TlsContext}'s (the engine view
 * refuses changes), renegotiation is refused, and the delegated-task executor is the context's. All
 * methods run on the channel's event loop, except the futures, the getters, {@link #session()} and
 * {@link #closeOutbound()}, which any thread may call.
 */
public final class TlsHandler extends SslHandler {
  /** The largest plaintext of one record (RFC 8446 section 5.1). */
  static final int RECORD = TlsRecords.MAX_PLAINTEXT_BODY;

  private final TlsContext context;
  private final String peerHost;
  private final int peerPort;
  private final HandlerSslEngine view;
  private final HandlerPromise handshakePromise = new HandlerPromise();
  private final HandlerPromise closePromise = new HandlerPromise();
  private HandlerState firstState = HandlerState.READY; // PLAINTEXT in STARTTLS mode
  private volatile long handshakeTimeoutMillis;
  private volatile SessionInfo sessionInfo;
  private volatile HandlerSession session; // from handlerAdded on
  private Duration idleTimeout;
  private Duration maxLifetime;
  private Duration writeStallTimeout;
  private LimitWatch limits; // event-loop confined; while established, when a limit is set

  private TlsHandler(HandlerSslEngine view, TlsContext context, String peerHost, int peerPort) {
    super(view);
    this.view = view;
    this.context = context;
    this.peerHost = peerHost;
    this.peerPort = peerPort;
    this.handshakeTimeoutMillis = context.handshakeTimeout().toMillis();
    // the context's close timeout, under SslHandler's name for the same wait
    setCloseNotifyFlushTimeoutMillis(context.closeTimeout().toMillis());
    view.owner(this);
  }

  private static TlsHandler of(TlsContext context, String peerHost, int peerPort) {
    Objects.requireNonNull(context, "context");
    return new TlsHandler(
        new HandlerSslEngine(context, peerHost, peerPort), context, peerHost, peerPort);
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
    return of(context, Objects.requireNonNull(host, "host"), port);
  }

  /** A client whose host may be null (no SNI unless the context names the server). */
  static TlsHandler clientOf(TlsContext context, String host, int port) {
    if (!context.isClient()) {
      throw new IllegalArgumentException("a client handler needs a context from forClient()");
    }
    return of(context, host, port);
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
    return of(context, null, -1);
  }

  /**
   * STARTTLS mode, as Netty's {@code startTls} flag: what is written before the first {@code
   * flush()} goes out in plaintext (the "go ahead" answer to a STARTTLS command), and the handshake
   * begins after it. Call before adding the handler to a pipeline.
   */
  public TlsHandler startTls() {
    if (session != null) {
      throw new IllegalStateException("startTls() must be set before the handler is added");
    }
    firstState = HandlerState.PLAINTEXT;
    return this;
  }

  /**
   * How long close() waits for its close_notify to be written (default: the context's {@link
   * TlsContext#closeTimeout()}).
   */
  public TlsHandler closeNotifyFlushTimeout(Duration timeout) {
    setCloseNotifyFlushTimeoutMillis(Math.max(0, timeout.toMillis()));
    return this;
  }

  /**
   * How long close() then waits for the peer's close_notify before closing the channel (default 0:
   * it does not wait, as TLS allows and as Netty's SslHandler does).
   */
  public TlsHandler closeNotifyReadTimeout(Duration timeout) {
    setCloseNotifyReadTimeoutMillis(Math.max(0, timeout.toMillis()));
    return this;
  }

  /**
   * Ends an established session with close_notify once no byte has moved either way for {@code
   * timeout}, firing {@link SessionLimitEvent#IDLE} first (null, the default: never). Set before
   * the handshake completes.
   */
  public TlsHandler idleTimeout(Duration timeout) {
    idleTimeout = positive(timeout, "idleTimeout");
    return this;
  }

  /**
   * Ends an established session with close_notify {@code lifetime} after its handshake, firing
   * {@link SessionLimitEvent#EXPIRED} first (null, the default: never).
   */
  public TlsHandler maxLifetime(Duration lifetime) {
    maxLifetime = positive(lifetime, "maxLifetime");
    return this;
  }

  /**
   * Closes an established session at once when its peer has taken none of the output queued in the
   * channel for {@code timeout}, firing {@link SessionLimitEvent#STALLED} first (null, the default:
   * never).
   */
  public TlsHandler writeStallTimeout(Duration timeout) {
    writeStallTimeout = positive(timeout, "writeStallTimeout");
    return this;
  }

  private static Duration positive(Duration d, String what) {
    if (d != null && (d.isNegative() || d.isZero())) {
      throw new IllegalArgumentException(what + " must be positive, or null for none: " + d);
    }
    return d;
  }

  /** The handshake deadline; 0 for none. Starts as the context's {@code handshakeTimeout()}. */
  @Override
  public long getHandshakeTimeoutMillis() {
    return handshakeTimeoutMillis;
  }

  /** Sets the deadline of a handshake not yet begun; 0 for none. */
  @Override
  public void setHandshakeTimeoutMillis(long millis) {
    if (millis < 0) {
      throw new IllegalArgumentException("handshakeTimeoutMillis: " + millis + " (expected >= 0)");
    }
    handshakeTimeoutMillis = millis;
  }

  /**
   * Succeeds with the channel when the handshake is done, or fails with why (a {@link
   * io.niotls.engine.TlsException}, an {@link SslHandshakeTimeoutException}, a {@link
   * ClosedChannelException}).
   */
  @Override
  public Future<Channel> handshakeFuture() {
    return handshakePromise;
  }

  /**
   * Succeeds when the peer's close_notify arrives; fails when the connection ends without it: a
   * SYSCALL {@link io.niotls.engine.TlsException} when the peer stopped without close_notify (the
   * data may be truncated), a {@link ClosedChannelException} when we closed first.
   */
  @Override
  public Future<Channel> sslCloseFuture() {
    return closePromise;
  }

  /**
   * A view of the connection for code written for {@code SslHandler}: the real session, handshake
   * session, ALPN protocol and mode; it refuses to wrap, unwrap or change settings.
   */
  @Override
  public SSLEngine engine() {
    return view;
  }

  /** What the handshake negotiated (protocol, suite, ALPN, peer chain, resumed); null before. */
  public SessionInfo session() {
    return sessionInfo;
  }

  /** The negotiated ALPN protocol, or null. */
  @Override
  public String applicationProtocol() {
    SessionInfo s = sessionInfo;
    return s == null ? null : s.applicationProtocol();
  }

  public TlsContext context() {
    return context;
  }

  /** Refused: niotls does not renegotiate. The returned future has failed with the reason. */
  @Override
  public Future<Channel> renegotiate() {
    HandlerSession s = session;
    return renegotiate(s == null ? new HandlerPromise() : s.ctx.executor().<Channel>newPromise());
  }

  /** Refused: fails {@code promise} with the reason and returns it. */
  @Override
  public Future<Channel> renegotiate(Promise<Channel> promise) {
    promise.tryFailure(
        new UnsupportedOperationException(
            "niotls does not renegotiate: TLS 1.3 has no renegotiation, and TLS 1.2's is refused"
                + " as a security risk. For new keys in TLS 1.3 the engine answers KeyUpdate;"
                + " for a new handshake open a new connection"));
    return promise;
  }

  /**
   * Sends close_notify after the pending writes without closing the channel (a TLS half-close):
   * later writes fail, reads go on until the peer's close_notify. Any thread.
   *
   * @return completes when close_notify is written
   */
  @Override
  public ChannelFuture closeOutbound() {
    HandlerSession s = attached();
    return closeOutbound(s.ctx.newPromise());
  }

  /** {@link #closeOutbound()}, completing {@code promise}. Any thread. */
  @Override
  public ChannelFuture closeOutbound(ChannelPromise promise) {
    HandlerSession s = attached();
    if (s.ctx.executor().inEventLoop()) {
      s.outbound.closeOutbound(promise);
    } else {
      s.ctx.executor().execute(() -> s.outbound.closeOutbound(promise));
    }
    return promise;
  }

  private HandlerSession attached() {
    HandlerSession s = session;
    if (s == null) {
      throw new IllegalStateException("the handler is not in a pipeline");
    }
    return s;
  }

  // ---- what the session and the engine view ask -----------------------------------------------

  HandlerPromise handshakePromise() {
    return handshakePromise;
  }

  HandlerPromise closePromise() {
    return closePromise;
  }

  void established(SessionInfo info, SSLSession sslSession) {
    sessionInfo = info;
    view.established(sslSession, info.applicationProtocol());
    if (LimitWatch.any(idleTimeout, maxLifetime, writeStallTimeout)) {
      HandlerSession s = session;
      limits =
          new LimitWatch(
              s.ctx,
              idleTimeout,
              maxLifetime,
              writeStallTimeout,
              () -> s.outbound.close(s.ctx.newPromise(), false));
      limits.start();
    }
  }

  /** The engine view's closeOutbound(): a no-op before the handler is added. */
  void closeOutboundFromView() {
    if (session != null) {
      closeOutbound();
    }
  }

  boolean isOutboundDone() {
    HandlerSession s = session;
    return s != null && s.state().closedForWriting();
  }

  /** The handler's state, for tests. */
  HandlerState state() {
    HandlerSession s = session;
    return s == null ? HandlerState.DETACHED : s.state();
  }

  // ---- the pipeline's calls --------------------------------------------------------------------

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (session != null) {
      throw new IllegalStateException("a TlsHandler serves one pipeline once");
    }
    handshakePromise.attach(ctx.executor());
    closePromise.attach(ctx.executor());
    HandlerSession s =
        new HandlerSession(this, ctx, peerHost, peerPort, firstState == HandlerState.PLAINTEXT);
    SSLEngine underneath = UnderlyingEngine.of(s.engine);
    if (underneath != null) {
      view.started(underneath); // its handshake session, while the handshake runs
    }
    session = s;
    s.startIfReady();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    session.startIfReady();
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stopLimits();
    HandlerSession s = session;
    s.end(s.inboundEnded());
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved0(ChannelHandlerContext ctx) {
    stopLimits();
    HandlerSession s = session;
    if (s != null) {
      s.end(TracelessExceptions.sslException("the TlsHandler was removed from the pipeline"));
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      session.inputShutdown();
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.fireExceptionCaught(cause);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf in) {
      if (limits != null) {
        limits.touch();
      }
      session.read(in);
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    session.readComplete();
    ctx.fireChannelReadComplete();
  }

  /** Never called: {@link #channelRead} takes the bytes itself. */
  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    throw new IllegalStateException("TlsHandler does not decode through ByteToMessageDecoder");
  }

  @Override
  public void read(ChannelHandlerContext ctx) {
    ctx.read();
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (limits != null) {
      limits.touch();
    }
    session.outbound.write(msg, promise);
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    session.outbound.flush();
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    stopLimits();
    session.outbound.close(promise, false);
  }

  @Override
  public void disconnect(ChannelHandlerContext ctx, ChannelPromise promise) {
    session.outbound.close(promise, true);
  }

  private void stopLimits() {
    if (limits != null) {
      limits.stop();
      limits = null;
    }
  }

  @Override
  public String toString() {
    return "TlsHandler[" + (context.isClient() ? "client " : "server ") + state() + "]";
  }
}
