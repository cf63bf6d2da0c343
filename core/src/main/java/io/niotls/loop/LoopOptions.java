package io.niotls.loop;

import java.time.Duration;
import java.util.Objects;

/**
 * What {@link ServerOptions} and {@link ClientOptions} share: the loops to run on and the settings
 * of every session. Immutable and thread-safe; made by the subclass's builder.
 */
abstract class LoopOptions {
  private final TlsEventLoopGroup loops;
  private final int loopCount;
  private final SessionConfig session;

  LoopOptions(Builder<?> b) {
    loops = b.loops;
    loopCount = b.loopCount;
    session =
        new SessionConfig(
            b.tcpNoDelay,
            b.connectTimeout,
            b.maxOutboundBytes,
            new SessionLimits(b.idleTimeout, b.maxLifetime, b.writeStallTimeout));
  }

  /** TCP_NODELAY on each session's socket (default true). */
  public boolean tcpNoDelay() {
    return session.tcpNoDelay();
  }

  /** The outbound queue limit per session, bytes (default 256 KiB). */
  public int maxOutboundBytes() {
    return session.maxOutboundBytes();
  }

  /**
   * How long an open session may go without a byte read or written before it is closed with
   * close_notify ({@link CloseReason#IDLE}); null (the default): no limit.
   */
  public Duration idleTimeout() {
    return session.limits().idle();
  }

  /**
   * How long a session may stay open, however busy, before it is closed with close_notify ({@link
   * CloseReason#EXPIRED}); null (the default): no limit.
   */
  public Duration maxLifetime() {
    return session.limits().lifetime();
  }

  /**
   * How long queued output may wait on a socket that takes no byte of it (a peer that stopped
   * reading) before the session is closed at once ({@link CloseReason#STALLED}); null (the
   * default): no limit.
   */
  public Duration writeStallTimeout() {
    return session.limits().writeStall();
  }

  /** The loops to run on; null (the default): start and own a group. */
  public TlsEventLoopGroup loops() {
    return loops;
  }

  /** How many loops an owned group has (default: one per core). */
  public int loopCount() {
    return loopCount;
  }

  SessionConfig session() {
    return session;
  }

  /** The settings every builder of loop options has; {@code B} is the builder itself. */
  abstract static class Builder<B extends Builder<B>> {
    private boolean tcpNoDelay = true;
    Duration connectTimeout = Duration.ofSeconds(10);
    private int maxOutboundBytes = 256 * 1024;
    private Duration idleTimeout;
    private Duration maxLifetime;
    private Duration writeStallTimeout;
    private TlsEventLoopGroup loops;
    private int loopCount = Runtime.getRuntime().availableProcessors();

    Builder() {}

    abstract B self();

    /**
     * TCP_NODELAY: on by default, so a handshake's last flight and the first request or response do
     * not wait on Nagle's algorithm for the peer's delayed ACK.
     */
    public B tcpNoDelay(boolean on) {
      tcpNoDelay = on;
      return self();
    }

    /** See {@link LoopOptions#idleTimeout()}. */
    public B idleTimeout(Duration timeout) {
      idleTimeout = SessionConfig.positive(timeout, "idleTimeout");
      return self();
    }

    /** See {@link LoopOptions#maxLifetime()}. */
    public B maxLifetime(Duration lifetime) {
      maxLifetime = SessionConfig.positive(lifetime, "maxLifetime");
      return self();
    }

    /** See {@link LoopOptions#writeStallTimeout()}. */
    public B writeStallTimeout(Duration timeout) {
      writeStallTimeout = SessionConfig.positive(timeout, "writeStallTimeout");
      return self();
    }

    /** The outbound queue limit per session, bytes; see {@link TlsSession#write}. */
    public B maxOutboundBytes(int bytes) {
      maxOutboundBytes = SessionConfig.positive(bytes, "maxOutboundBytes");
      return self();
    }

    /** Run on these loops (shared, not shut down with the owner) instead of an own group. */
    public B loops(TlsEventLoopGroup group) {
      loops = Objects.requireNonNull(group, "group");
      return self();
    }

    /** How many loops the own group has (ignored with {@link #loops}). */
    public B loopCount(int count) {
      loopCount = SessionConfig.positive(count, "loopCount");
      return self();
    }
  }
}
