package io.niotls.netty;

import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A TLS 1.3 client's close() held back briefly for the server's session tickets, so that a client
 * that only handshakes and closes resumes next time, as the loop's clients and {@code TlsChannel}
 * do: a server sends its tickets only once it has our Finished, BoringSSL ignores tickets that
 * arrive behind our close_notify, and SunJSSE takes them only while it reads toward the peer's,
 * which close() does not wait for by default. The close waits until a whole record arrives after
 * the handshake (the tickets), or twice as long as the handshake took, within [{@link #MIN_MILLIS},
 * {@link #MAX_MILLIS}]; then it goes on as asked. A server that sends no tickets costs the close
 * that long.
 *
 * <p>Confined to the channel's event loop.
 */
final class CloseAfterTickets {
  /** The shortest wait: a resumed loopback handshake's millisecond says little of the server. */
  static final long MIN_MILLIS = 10;

  /** The longest wait: a JVM's first handshakes (a server's first tickets) take tens of ms. */
  static final long MAX_MILLIS = 200;

  private final HandlerSession session;
  private final ChannelPromise promise;
  private final boolean disconnect;
  private ScheduledFuture<?> timer;
  private boolean done;

  private CloseAfterTickets(HandlerSession session, ChannelPromise promise, boolean disconnect) {
    this.session = session;
    this.promise = promise;
    this.disconnect = disconnect;
  }

  /**
   * Whether a close() of {@code session} now waits for tickets: a client with session resumption
   * on, established in TLS 1.3, its channel active, that has had no record since the handshake.
   */
  static boolean applies(HandlerSession session) {
    return session.context.isClient()
        && session.context.sessionResumption()
        && session.closeAfterTickets == null // one wait per connection
        && session.state() == HandlerState.OPEN
        && !session.heardSinceHandshake()
        && session.ctx.channel().isActive()
        && "TLSv1.3".equals(session.engine.session().protocol());
  }

  /** Holds back the close() of {@code promise} for tickets; {@link #goOn()} ends the wait. */
  static CloseAfterTickets start(
      HandlerSession session, ChannelPromise promise, boolean disconnect) {
    CloseAfterTickets wait = new CloseAfterTickets(session, promise, disconnect);
    long millis =
        Math.max(
            MIN_MILLIS,
            Math.min(MAX_MILLIS, 2 * TimeUnit.NANOSECONDS.toMillis(session.handshakeNanos())));
    wait.timer = session.ctx.executor().schedule(wait::goOn, millis, TimeUnit.MILLISECONDS);
    if (!session.ctx.channel().config().isAutoRead()) {
      session.ctx.read(); // the tickets will not come in unasked
    }
    return wait;
  }

  /** The tickets came, the time is up, or the channel went: the close goes on. Once. */
  void goOn() {
    if (done) {
      return;
    }
    done = true;
    timer.cancel(false);
    session.outbound.close(promise, disconnect); // applies() is false now: this was the wait
  }

  /** Whether the close still waits. */
  boolean waiting() {
    return !done;
  }
}
