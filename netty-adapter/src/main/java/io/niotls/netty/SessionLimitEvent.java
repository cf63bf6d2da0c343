package io.niotls.netty;

import io.niotls.loop.CloseReason;

/**
 * Fired (as a user event, on the channel's event loop) by a {@link TlsHandler} just before it ends
 * an established session because one of its limits passed: {@link TlsHandler#idleTimeout}, {@link
 * TlsHandler#maxLifetime} or {@link TlsHandler#writeStallTimeout}. Handlers behind it count or log
 * it; they need not close the channel, the TlsHandler does: with close_notify for {@link #IDLE} and
 * {@link #EXPIRED}, at once for {@link #STALLED} (a peer that reads nothing would not take a
 * close_notify either). The reasons are the selector loop's ({@link CloseReason}).
 */
public final class SessionLimitEvent {
  /** No byte moved either way for the idle timeout. */
  public static final SessionLimitEvent IDLE = new SessionLimitEvent(CloseReason.IDLE);

  /** The session reached its maximum lifetime. */
  public static final SessionLimitEvent EXPIRED = new SessionLimitEvent(CloseReason.EXPIRED);

  /** The peer took none of the queued output for the write-stall timeout. */
  public static final SessionLimitEvent STALLED = new SessionLimitEvent(CloseReason.STALLED);

  private final CloseReason reason;

  private SessionLimitEvent(CloseReason reason) {
    this.reason = reason;
  }

  /** {@link CloseReason#IDLE}, {@link CloseReason#EXPIRED} or {@link CloseReason#STALLED}. */
  public CloseReason reason() {
    return reason;
  }

  @Override
  public String toString() {
    return "SessionLimitEvent(" + reason + ")";
  }
}
