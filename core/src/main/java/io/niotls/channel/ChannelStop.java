package io.niotls.channel;

import io.niotls.engine.Status;
import io.niotls.engine.TlsException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The stopTls of one {@link TlsChannel}: our close_notify, the wait for the peer's (bounded by the
 * context's close timeout: a watchdog in blocking mode, a check per call in non-blocking mode),
 * then the switch to plaintext. {@link TlsChannel#stopTls()} documents the call; it holds the
 * reader's and the writer's locks around {@link #run}.
 */
final class ChannelStop {
  private final CiphertextPath path;
  private final Duration timeout;
  private long deadline; // System.nanoTime() by which the peer's close_notify must come; 0: unset

  ChannelStop(CiphertextPath path, Duration timeout) {
    this.path = path;
    this.timeout = timeout;
  }

  /** Reader's and writer's locks held: true once the channel speaks plaintext. */
  boolean run(boolean blocking) throws IOException {
    if (path.plaintext()) {
      return true;
    }
    if (deadline == 0) {
      deadline = System.nanoTime() + timeout.toNanos();
      path.stopping();
    }
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      path.closeChannelQuietly();
      throw timedOut(null);
    }
    if (!blocking) {
      return drive(false);
    }
    AtomicBoolean passed = new AtomicBoolean();
    Future<?> watchdog =
        Watchdog.after(
            Duration.ofNanos(left),
            () -> {
              passed.set(true);
              path.closeChannelQuietly(); // a blocking read honours no timeout
            });
    try {
      return drive(true);
    } catch (IOException e) {
      throw passed.get() ? timedOut(e) : e;
    } finally {
      watchdog.cancel(false);
    }
  }

  private boolean drive(boolean blocking) throws IOException {
    while (true) {
      if (!path.flush(blocking, true)) {
        return path.waitFor(Status.WANT_WRITE);
      }
      Status s = path.stopStep();
      switch (s) {
        case DONE:
          if (!path.flush(blocking, true)) {
            return path.waitFor(Status.WANT_WRITE);
          }
          path.toPlaintext();
          path.satisfied();
          return true;
        case SENT: // ours is out, the peer's has not come
          if (!path.flush(blocking, true)) {
            return path.waitFor(Status.WANT_WRITE);
          }
          if (!path.fill()) {
            return path.waitFor(Status.WANT_READ);
          }
          break;
        case WANT_TASK:
          path.runTasks();
          break;
        case WANT_WRITE:
          break; // the flush at the top
        default:
          throw refused(path.failed(blocking, true));
      }
    }
  }

  /** The engine failed during the stop: a peer that closed TCP instead is named as such. */
  private static IOException refused(TlsException failure) {
    if (failure != null && failure.kind() == TlsException.Kind.TRUNCATED) {
      return new IOException(
          "stopTls: the peer closed the TCP connection instead of answering with close_notify,"
              + " so the connection cannot go on as plaintext; close the channel",
          failure);
    }
    return new IOException(
        "stopTls: the TLS connection failed before close_notify went both ways"
            + (failure == null ? "" : ": " + failure.getMessage()),
        failure);
  }

  private IOException timedOut(Throwable cause) {
    return new IOException(
        "stopTls: the peer's close_notify did not come within "
            + timeout
            + " (the context's closeTimeout); the channel is closed",
        cause);
  }
}
