package io.niotls.loop;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link TlsServer} listens and treats its sessions. Immutable; made by {@link #builder()} or
 * {@link #defaults()}. Thread-safe.
 */
public final class ServerOptions {
  private final boolean reuseAddress;
  private final int backlog;
  private final int maxConcurrentHandshakes;
  private final TlsEventLoopGroup loops;
  private final int loopCount;
  private final SessionConfig session;

  private ServerOptions(Builder b) {
    reuseAddress = b.reuseAddress;
    backlog = b.backlog;
    maxConcurrentHandshakes = b.maxConcurrentHandshakes;
    loops = b.loops;
    loopCount = b.loopCount;
    session =
        new SessionConfig(b.tcpNoDelay, b.handshakeTimeout, b.closeTimeout, b.maxOutboundBytes);
  }

  public static ServerOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** SO_REUSEADDR on the listening socket (default true). */
  public boolean reuseAddress() {
    return reuseAddress;
  }

  /** The listen backlog (default 1024; the kernel may cap it). */
  public int backlog() {
    return backlog;
  }

  /** TCP_NODELAY on accepted sockets (default true). */
  public boolean tcpNoDelay() {
    return session.tcpNoDelay();
  }

  /** The handshake deadline from accept; null (the default) means the context's. */
  public Duration handshakeTimeout() {
    return session.handshakeTimeout();
  }

  /** How long a graceful close waits for the peer's close_notify (default 3 s). */
  public Duration closeTimeout() {
    return session.closeTimeout();
  }

  /** The outbound queue limit per session, bytes (default 256 KiB). */
  public int maxOutboundBytes() {
    return session.maxOutboundBytes();
  }

  /** Handshakes in progress at once before accepting pauses (default 1024). */
  public int maxConcurrentHandshakes() {
    return maxConcurrentHandshakes;
  }

  /** The loops to run on; null (the default) makes the server start and own a group. */
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

  /** Fluent settings for {@link ServerOptions}. Not thread-safe. */
  public static final class Builder {
    private boolean reuseAddress = true;
    private int backlog = 1024;
    private boolean tcpNoDelay = true;
    private Duration handshakeTimeout;
    private Duration closeTimeout = Duration.ofSeconds(3);
    private int maxOutboundBytes = 256 * 1024;
    private int maxConcurrentHandshakes = 1024;
    private TlsEventLoopGroup loops;
    private int loopCount = Runtime.getRuntime().availableProcessors();

    private Builder() {}

    /**
     * SO_REUSEADDR: on by default, so a restarted server can bind while old connections linger in
     * TIME_WAIT. Off, binding fails then too. Never lets two servers listen on one port.
     */
    public Builder reuseAddress(boolean on) {
      reuseAddress = on;
      return this;
    }

    public Builder backlog(int backlog) {
      if (backlog < 1) {
        throw new IllegalArgumentException("backlog must be positive, got " + backlog);
      }
      this.backlog = backlog;
      return this;
    }

    /**
     * TCP_NODELAY on accepted sockets: on by default, so the last handshake flight and the first
     * response do not wait on Nagle's algorithm for the peer's delayed ACK.
     */
    public Builder tcpNoDelay(boolean on) {
      tcpNoDelay = on;
      return this;
    }

    /**
     * The handshake deadline, absolute from accept: a peer that has not finished by then is closed
     * ({@link CloseReason#TIMEOUT}). Default: the context's {@code handshakeTimeout()}.
     */
    public Builder handshakeTimeout(Duration timeout) {
      handshakeTimeout = SessionConfig.positive(timeout, "handshakeTimeout");
      return this;
    }

    /** How long a graceful close waits for the peer's close_notify before closing anyway. */
    public Builder closeTimeout(Duration timeout) {
      closeTimeout = SessionConfig.positive(timeout, "closeTimeout");
      return this;
    }

    /** The outbound queue limit per session, bytes; see {@link TlsSession#write}. */
    public Builder maxOutboundBytes(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxOutboundBytes must be positive, got " + bytes);
      }
      maxOutboundBytes = bytes;
      return this;
    }

    /**
     * Admission control: at most this many handshakes in progress at once. Beyond it the server
     * stops accepting (connections wait in the backlog) until one finishes; counted in {@link
     * ServerStats#admissionWaits()}.
     */
    public Builder maxConcurrentHandshakes(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxConcurrentHandshakes must be positive, got " + max);
      }
      maxConcurrentHandshakes = max;
      return this;
    }

    /** Run on these loops (shared, not shut down with the server) instead of an own group. */
    public Builder loops(TlsEventLoopGroup group) {
      loops = Objects.requireNonNull(group, "group");
      return this;
    }

    /** How many loops the server's own group has (ignored with {@link #loops}). */
    public Builder loopCount(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("loopCount must be positive, got " + count);
      }
      loopCount = count;
      return this;
    }

    public ServerOptions build() {
      return new ServerOptions(this);
    }
  }
}
