package io.niotls.channel;

import io.niotls.engine.TlsException;
import java.io.IOException;
import java.nio.channels.Channel;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What only the handshake of one {@link TlsChannel} needs: its lock ({@link #lock}) and its
 * deadline, counted from the first call that drives the handshake. The channel drops it once the
 * handshake is done, so an established connection holds neither. Non-blocking calls check it
 * themselves; a blocking handshake runs under the {@link Watchdog}, which closes the channel under
 * the blocked thread when the deadline passes (a blocking {@code SocketChannel} honours no socket
 * timeout). Once it has passed, every call fails with the same {@link TlsException} of kind {@link
 * TlsException.Kind#TIMEOUT}.
 */
final class HandshakeDeadline {
  /** A step of the handshake that may block on the channel. */
  interface BlockingStep {
    void run() throws IOException;
  }

  /**
   * The handshake's lock, the first of the channel's locks: reads and writes that come before the
   * handshake is done wait here, not on the reader's lock.
   */
  final ReentrantLock lock = new ReentrantLock();

  private final Duration timeout;
  private final Channel channel;
  private volatile long deadline; // in nanoTime; set (handshake's lock) by start()
  private volatile boolean started;
  private volatile TlsException expired;

  HandshakeDeadline(Duration timeout, Channel channel) {
    this.timeout = timeout;
    this.channel = channel;
  }

  /** Starts the count at the first call; later calls change nothing (handshake's lock held). */
  void start() {
    if (!started) {
      deadline = System.nanoTime() + timeout.toNanos();
      started = true;
    }
  }

  /** How long the handshake has run at {@code now} ({@link System#nanoTime()}); 0 before it. */
  long elapsedNanos(long now) {
    return started ? now - (deadline - timeout.toNanos()) : 0;
  }

  /** The deadline in {@link System#nanoTime()} terms; 0 before {@link #start()}. */
  long nanoTime() {
    return started ? deadline : 0;
  }

  /** Throws the timeout when the deadline has passed (non-blocking mode). */
  void check() throws TlsException {
    if (System.nanoTime() - deadline >= 0) {
      throw expire(null);
    }
  }

  /** Throws the timeout once the deadline has passed, for every later call. */
  void throwIfExpired() throws TlsException {
    TlsException e = expired;
    if (e != null) {
      throw e;
    }
  }

  /**
   * Runs a blocking handshake under the watchdog: when the deadline passes, the channel is closed
   * under it and the timeout is thrown in place of the channel's own exception.
   */
  void runBlocking(BlockingStep step) throws IOException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw expire(null);
    }
    AtomicBoolean passed = new AtomicBoolean();
    Future<?> watchdog =
        Watchdog.after(
            Duration.ofNanos(left),
            () -> {
              passed.set(true);
              closeChannel();
            });
    try {
      step.run();
    } catch (IOException e) {
      if (passed.get()) {
        throw expire(e);
      }
      throw e;
    } finally {
      watchdog.cancel(false);
    }
    if (passed.get()) {
      throw expire(null); // it passed as the handshake finished: the channel is closed
    }
  }

  private TlsException expire(Throwable cause) {
    TlsException e = expired;
    if (e == null) {
      e =
          new TlsException(
              TlsException.Kind.TIMEOUT,
              null,
              "the TLS handshake did not finish within its deadline of "
                  + timeout.toMillis()
                  + " ms (TlsContext.handshakeTimeout()): the peer answered too little or not at"
                  + " all; check that it speaks TLS on this port, or raise the timeout",
              cause);
      expired = e;
    }
    closeChannel();
    return e;
  }

  private void closeChannel() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // it is being closed because the deadline passed: the timeout is what the caller hears
    }
  }
}
