package io.niotls.engine;

import java.util.concurrent.TimeUnit;

/**
 * How long a TLS 1.3 client's {@link TlsEngine#shutdown()} waits for the server's session tickets
 * before its close_notify, when its caller asked for the wait ({@link
 * TlsEngine#awaitTicketsBeforeClose()}).
 *
 * <p>A TLS 1.3 server sends its NewSessionTickets once it has our Finished, half a round trip after
 * our handshake ended; a client that closes at once sends its close_notify before they arrive, and
 * Netty's engine over BoringSSL ignores tickets behind our close_notify (SunJSSE loses them too),
 * so the next connection does a full handshake. The wait is {@value #ROUND_TRIPS} times the
 * handshake's own duration (from its start to its end, which covers a round trip and the server's
 * work for its flight, more than a ticket takes), at least {@link #FLOOR_NANOS} and at most {@link
 * #CAP_NANOS}: a server with tickets off costs a closing client at most that.
 *
 * <p>Part of one client {@link TlsEngine}, confined like it; times are {@link System#nanoTime()}'s.
 */
final class TicketWait {
  /** The wait, in multiples of the handshake's duration. */
  static final int ROUND_TRIPS = 2;

  /**
   * The shortest wait: a resumed loopback handshake's duration (a millisecond or two) says little
   * about a busy or JIT-cold server's ticket.
   */
  static final long FLOOR_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  /** The longest wait: what a server that sends no tickets costs a closing client. */
  static final long CAP_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private long began;
  private long limit = CAP_NANOS; // until the handshake's end says better
  private long ends;
  private boolean started;

  /** The handshake starts now. */
  void handshakeBegan(long now) {
    began = now;
  }

  /** The handshake ended now: the wait follows from how long it took. */
  void handshakeEnded(long now) {
    limit = Math.min(CAP_NANOS, Math.max(FLOOR_NANOS, ROUND_TRIPS * (now - began)));
  }

  /** The wait's length, in nanoseconds. */
  long limit() {
    return limit;
  }

  /** Whether the wait goes on at {@code now}; the first call starts it. */
  boolean goesOn(long now) {
    if (!started) {
      started = true;
      ends = now + limit;
    }
    return ends - now > 0;
  }

  /** When the wait ends (nanoTime); 0 before it started. */
  long ends() {
    return started ? ends : 0;
  }
}
