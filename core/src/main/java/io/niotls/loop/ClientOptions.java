package io.niotls.loop;

/**
 * How a {@link TlsClient} connects and treats its sessions: the loops and session settings of
 * {@link LoopOptions}. Immutable; made by {@link #builder()} or {@link #defaults()}. Thread-safe.
 */
public final class ClientOptions extends LoopOptions {
  private ClientOptions(Builder b) {
    super(b);
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

    public ClientOptions build() {
      return new ClientOptions(this);
    }
  }
}
