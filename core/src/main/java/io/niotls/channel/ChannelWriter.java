package io.niotls.channel;

import io.niotls.engine.Status;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The writing side of one {@link TlsChannel}: writes, flushes and our close_notify, one writer at a
 * time under {@link #lock}. {@link TlsChannel} documents the calls; they are called here once the
 * handshake is done.
 */
final class ChannelWriter {
  /** The writer's lock: writes, flushes and shutdown; the handshake holds it too. */
  final ReentrantLock lock = new ReentrantLock();

  private final CiphertextPath path;
  private final Duration closeTimeout;
  private boolean outputShut; // lock: our close_notify is queued

  ChannelWriter(CiphertextPath path, Duration closeTimeout) {
    this.path = path;
    this.closeTimeout = closeTimeout;
  }

  /** {@link TlsChannel#write(ByteBuffer[], int, int)}, once the handshake is done. */
  long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    lock.lock();
    try {
      path.ensureOpen();
      if (path.plaintext()) {
        return path.writePlain(srcs, offset, length, path.blocking()); // after stopTls
      }
      if (path.stopUnderWay()) {
        throw new IOException(
            "write() while stopTls() is under way (non-blocking mode): call stopTls() again until"
                + " it returns true, then write plaintext");
      }
      if (outputShut) {
        throw new ClosedChannelException(); // like a SocketChannel after shutdownOutput()
      }
      boolean blocking = path.blocking();
      long total = 0;
      for (int i = offset; i < offset + length; i++) {
        ByteBuffer src = srcs[i];
        while (src.hasRemaining()) {
          if (!path.flush(blocking, true)) {
            path.waitFor(Status.WANT_WRITE);
            return total;
          }
          ByteBuffer chunk = src.duplicate();
          chunk.limit(chunk.position() + Math.min(chunk.remaining(), TlsChannel.WRITE_CHUNK));
          int n = path.write(chunk);
          if (n >= 0) {
            src.position(src.position() + n);
            total += n;
            continue;
          }
          switch (Status.ofCode(n)) {
            case WANT_TASK:
              path.runTasks();
              break;
            case WANT_WRITE:
              break; // the flush at the top
            case ZERO_RETURN:
              throw new IOException(
                  "the peer's close_notify ended the connection for writing (TLS 1.2, or a"
                      + " provider without TLS 1.3 half-close): read() returned or will return -1;"
                      + " close the channel");
            default:
              throw path.failed(blocking, true);
          }
        }
      }
      if (!path.flush(blocking, true)) {
        path.waitFor(Status.WANT_WRITE); // taken: its ciphertext goes out on flush()
      } else {
        path.satisfied();
      }
      return total;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Writes ciphertext still waiting for the socket (non-blocking mode, after WANT_WRITE).
   *
   * @return true when none is left waiting
   */
  boolean flush() throws IOException {
    lock.lock();
    try {
      path.ensureOpen();
      if (path.flush(path.blocking(), true)) {
        path.satisfied();
        return true;
      }
      return path.waitFor(Status.WANT_WRITE);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sends our close_notify, like {@code SSL_shutdown}'s first call: writing ends, reading goes on
   * until {@link TlsChannel#read} returns -1 at the peer's close_notify (TLS 1.3 allows the peer to
   * go on sending; a peer may also close at once). Before the handshake is done it aborts it
   * instead. Idempotent; {@link TlsChannel#close()} does it too.
   *
   * @return true once close_notify is written (always, in blocking mode); false in non-blocking
   *     mode while it waits for the socket ({@link TlsChannel#needs()}: call again, or {@link
   *     TlsChannel#flush()})
   */
  boolean shutdown() throws IOException {
    lock.lock();
    try {
      path.ensureOpen();
      if (path.plaintext()) {
        path.shutdownPlainOutput(); // after stopTls there is no close_notify to send
        return true;
      }
      boolean blocking = path.blocking();
      if (!outputShut) {
        Status s = path.shutdown();
        outputShut = true;
        if (s.isFatal()) {
          throw path.failed(blocking, true);
        }
      }
      if (path.flush(blocking, true)) {
        path.satisfied();
        return true;
      }
      return path.waitFor(Status.WANT_WRITE);
    } finally {
      lock.unlock();
    }
  }

  /**
   * For {@link TlsChannel#close()}: sends close_notify if the handshake finished and nothing
   * failed, waiting at most the context's close timeout (and not for the peer's).
   */
  void sendCloseNotify(boolean handshaken) {
    if (!path.canSayGoodbye(handshaken)) {
      return; // nothing was said yet, or a failure already said what there was to say
    }
    long end = System.nanoTime() + closeTimeout.toNanos();
    try {
      if (!lock.tryLock(closeTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
        return; // a writer is stuck on a full socket: closing the socket is all that is left
      }
      try {
        if (!outputShut) {
          path.shutdown();
          outputShut = true;
        }
        if (!path.blocking()) {
          path.flush(false, true); // best effort: a close_notify fits unless the socket is full
          return;
        }
        Future<?> watchdog =
            Watchdog.after(Duration.ofNanos(end - System.nanoTime()), path::closeChannelQuietly);
        try {
          path.flush(true, true);
        } finally {
          watchdog.cancel(false);
        }
      } finally {
        lock.unlock();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException ignored) {
      // the peer is gone or the socket full: close anyway, as promised
    }
  }
}
