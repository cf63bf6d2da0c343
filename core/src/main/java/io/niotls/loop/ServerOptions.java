package io.niotls.loop;

/**
 * How a {@link TlsServer} listens and treats its sessions: its listening socket and admission
 * control, and the loops and session settings of {@link LoopOptions}. Immutable; made by {@link
 * #builder()} or {@link #defaults()}. Thread-safe.
 */
public final class ServerOptions extends LoopOptions {
  private final boolean reuseAddress;
  private final int backlog;
  private final int maxConcurrentHandshakes;

  private ServerOptions(Builder b) {
    super(b);
    reuseAddress = b.reuseAddress;
    backlog = b.backlog;
    maxConcurrentHandshakes = b.maxConcurrentHandshakes;
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

  /** Handshakes in progress at once before accepting pauses (default 1024). */
  public int maxConcurrentHandshakes() {
    return maxConcurrentHandshakes;
  }

  /** Fluent settings for {@link ServerOptions}. Not thread-safe. */
  public static final class Builder extends LoopOptions.Builder<Builder> {
    private boolean reuseAddress = true;
    private int backlog = 1024;
    private int maxConcurrentHandshakes = 1024;

    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    /**
     * SO_REUSEADDR: on by default, so a restarted server can bind while old connections linger in
     * TIME_WAIT. Off, binding fails then too. Never lets two servers listen on one port.
     */
    public Builder reuseAddress(boolean on) {
      reuseAddress = on;
      return this;
    }

    public Builder backlog(int backlog) {
      this.backlog = SessionConfig.positive(backlog, "backlog");
      return this;
    }

    /**
     * Admission control: at most this many handshakes in progress at once. Beyond it the server
     * stops accepting (connections wait in the backlog) until one finishes; counted in {@link
     * ServerStats#admissionWaits()}.
     */
    public Builder maxConcurrentHandshakes(int max) {
      maxConcurrentHandshakes = SessionConfig.positive(max, "maxConcurrentHandshakes");
      return this;
    }

    public ServerOptions build() {
      return new ServerOptions(this);
    }
  }
}
