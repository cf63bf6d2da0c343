package io.niotls.loop;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link TlsClient} connects and treats its sessions. Immutable; made by {@link #builder()}
 * or {@link #defaults()}. Thread-safe.
 */
public final class ClientOptions {
  private final TlsEventLoopGroup loops;
  private final int loopCount;
  private final SessionConfig session;

  private ClientOptions(Builder b) {
    loops = b.loops;
    loopCount = b.loopCount;
    session =
        new SessionConfig(b.tcpNoDelay, b.handshakeTimeout, b.closeTimeout, b.maxOutboundBytes);
  }

  public static ClientOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** TCP_NODELAY on connected sockets (default true). */
  public boolean tcpNoDelay() {
    return session.tcpNoDelay();
  }

  /** The deadline from connect() to open; null (the default): the context's, 10 s for tcp://. */
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

  /** The loops to run on; null (the default) makes the client start and own a group. */
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

  /** Fluent settings for {@link ClientOptions}. Not thread-safe. */
  public static final class Builder {
    private boolean tcpNoDelay = true;
    private Duration handshakeTimeout;
    private Duration closeTimeout = Duration.ofSeconds(3);
    private int maxOutboundBytes = 256 * 1024;
    private TlsEventLoopGroup loops;
    private int loopCount = Runtime.getRuntime().availableProcessors();

    private Builder() {}

    /** TCP_NODELAY: on by default, so the ClientHello and first request are not delayed. */
    public Builder tcpNoDelay(boolean on) {
      tcpNoDelay = on;
      return this;
    }

    /**
     * The deadline from {@link TlsClient#connect} until the session opens (name lookup, connect and
     * handshake), default the context's {@code handshakeTimeout()}.
     */
    public Builder handshakeTimeout(Duration timeout) {
      handshakeTimeout = SessionConfig.positive(timeout, "handshakeTimeout");
      return this;
    }

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

    /** Run on these loops (shared, not shut down with the client) instead of an own group. */
    public Builder loops(TlsEventLoopGroup group) {
      loops = Objects.requireNonNull(group, "group");
      return this;
    }

    public Builder loopCount(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("loopCount must be positive, got " + count);
      }
      loopCount = count;
      return this;
    }

    public ClientOptions build() {
      return new ClientOptions(this);
    }
  }
}
