package io.niotls.loop;

import java.time.Duration;

/**
 * How a {@link TlsClient} connects and treats its sessions: the loops and session settings of
 * {@link LoopOptions}, and the connect deadline. The handshake's own deadline is the context's
 * ({@code TlsContext.handshakeTimeout()}), counted from the moment the connection is made.
 * Immutable; made by {@link #builder()} or {@link #defaults()}. Thread-safe.
 */
public final class ClientOptions extends LoopOptions {
  private ClientOptions(Builder b) {
    super(b);
  }

  /**
   * The deadline for the name lookup and the TCP connect, every resolved address tried within it
   * (default 10 s); a connect that has not finished by then fails with a SocketTimeoutException.
   */
  public Duration connectTimeout() {
    return session().connectTimeout();
  }

  public static ClientOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Fluent settings for {@link ClientOptions}. Not thread-safe. */
  public static final class Builder extends LoopOptions.Builder<Builder> {
    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    /** See {@link ClientOptions#connectTimeout()}. */
    public Builder connectTimeout(Duration timeout) {
      connectTimeout = SessionConfig.positive(timeout, "connectTimeout");
      return this;
    }

    public ClientOptions build() {
      return new ClientOptions(this);
    }
  }
}
