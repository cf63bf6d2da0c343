package io.niotls.netty;

/**
 * Fired (as a user event, on the channel's event loop) by a {@link TlsHandler} just before it ends
 * an established session because one of its limits passed: {@link TlsHandler#idleTimeout}, {@link
 * TlsHandler#maxLifetime} or {@link TlsHandler#writeStallTimeout}. Handlers behind it count or log
 * it; they need not close the channel, the TlsHandler does: with close_notify for {@link #IDLE} and
 * {@link #EXPIRED}, at once for {@link #STALLED} (a peer that reads nothing would not take a
 * close_notify either). The names are those of the selector loop's close reasons for the same
 * limits.
 */
public enum SessionLimitEvent {
  /** No byte moved either way for the idle timeout. */
  IDLE,
  /** The session reached its maximum lifetime. */
  EXPIRED,
  /** The peer took none of the queued output for the write-stall timeout. */
  STALLED
}
