package io.niotls.loop;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The one deadline a session has at a time, and which it is: the client's connect, a handshake (the
 * first, or a STARTTLS one), or a graceful close's wait for the peer's close_notify. When it passes
 * it tells its session, and {@link #passed} says how the session ends because of it.
 *
 * <p>Loop-confined: armed, cancelled and passed on the session's loop thread (a {@link
 * Timers.Timer} of that loop).
 */
final class Deadline {
  /** Which deadline it is. */
  enum Kind {
    /** From the client's connect call: the TCP connect, over every address of the name. */
    CONNECT,
    /** From accept, from the connect's success, or from the start of a STARTTLS upgrade. */
    HANDSHAKE,
    /** From the start of a graceful close: the wait for the peer's close_notify. */
    CLOSE
  }

  private final Kind kind;
  private final Duration timeout;
  private final Dialer dialer; // CONNECT: names the addresses tried
  private final CloseIntent closing; // CLOSE: the end the close began with
  private final Timers.Timer timer;

  private Deadline(
      TlsEventLoop loop,
      long at,
      Kind kind,
      Duration timeout,
      Dialer dialer,
      CloseIntent closing,
      Consumer<Deadline> onPassed) {
    this.kind = kind;
    this.timeout = timeout;
    this.dialer = dialer;
    this.closing = closing;
    this.timer = loop.at(at, () -> onPassed.accept(this));
  }

  /** The client's connect, due at {@code at} (nanoTime, set before the name lookup). */
  static Deadline connect(TlsEventLoop loop, long at, Dialer dialer, Consumer<Deadline> onPassed) {
    return new Deadline(loop, at, Kind.CONNECT, null, dialer, null, onPassed);
  }

  /** A handshake that has {@code timeout} from {@code start} (nanoTime). */
  static Deadline handshake(
      TlsEventLoop loop, long start, Duration timeout, Consumer<Deadline> onPassed) {
    return new Deadline(
        loop, start + timeout.toNanos(), Kind.HANDSHAKE, timeout, null, null, onPassed);
  }

  /** A graceful close begun now with {@code closing}, waiting {@code timeout} at most. */
  static Deadline close(
      TlsEventLoop loop, Duration timeout, CloseIntent closing, Consumer<Deadline> onPassed) {
    return new Deadline(
        loop, System.nanoTime() + timeout.toNanos(), Kind.CLOSE, timeout, null, closing, onPassed);
  }

  Kind kind() {
    return kind;
  }

  /** It no longer applies: it will not pass. */
  void cancel() {
    timer.cancel();
  }

  /**
   * How the session with {@code peer} ends now that this deadline has passed: a connect is a {@link
   * java.net.SocketTimeoutException} naming the addresses tried before, a handshake a {@link
   * io.niotls.engine.TlsException} of kind TIMEOUT (both {@link CloseReason#TIMEOUT}); a close ends
   * as it began, without the peer's close_notify.
   */
  CloseIntent passed(InetSocketAddress peer) {
    return switch (kind) {
      case CONNECT -> CloseIntent.timeout(dialer.timedOut(peer));
      case HANDSHAKE -> CloseIntent.timeout(Failures.handshakeTimeout(peer, timeout));
      case CLOSE -> closing;
    };
  }
}
