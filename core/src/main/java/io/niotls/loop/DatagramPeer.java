package io.niotls.loop;

import io.niotls.datagram.DtlsEngine;
import io.niotls.engine.Status;
import java.nio.ByteBuffer;

/**
 * Drives one DTLS session on the loop: the handshake, reads handed to the handler, the
 * retransmission timer from the loop's {@link Timers}, and the end. Loop-confined.
 */
final class DatagramPeer {
  private final TlsEventLoop loop;
  private final DtlsEngine engine;
  private final DatagramHandler handler;
  private final Runnable onEnd;
  DatagramSession session;
  private Timers.Timer timer;
  private long timerDeadline;
  private final Runnable onTimer = this::timedOut;
  private boolean open;
  private boolean ended;

  private final java.util.function.LongSupplier unreachable;

  DatagramPeer(TlsEventLoop loop, DtlsEngine engine, DatagramHandler handler, Runnable onEnd) {
    this(loop, engine, handler, onEnd, () -> 0);
  }

  /**
   * @param unreachable ICMP port-unreachable answers the transport saw, for the failure message
   */
  DatagramPeer(
      TlsEventLoop loop,
      DtlsEngine engine,
      DatagramHandler handler,
      Runnable onEnd,
      java.util.function.LongSupplier unreachable) {
    this.unreachable = unreachable;
    this.loop = loop;
    this.engine = engine;
    this.handler = handler;
    this.onEnd = onEnd;
  }

  /** Datagrams arrived (or the loop wants progress): runs the engine as far as it goes. */
  void drive() {
    if (ended) {
      return;
    }
    if (!open) {
      Status s = engine.handshake();
      if (s.isFatal()) {
        end(engine.failure());
        return;
      }
      if (s == Status.OK) {
        open = true;
        session.opened.complete(session);
        handler.onOpen(session);
      } else {
        schedule();
        return;
      }
    }
    ByteBuffer plaintext = DatagramScratch.take();
    try {
      readAll(plaintext);
    } finally {
      DatagramScratch.giveBack(plaintext);
    }
  }

  private void readAll(ByteBuffer plaintext) {
    for (int i = 0; i < 256 && !ended; i++) {
      plaintext.clear();
      int n = engine.read(plaintext);
      if (n >= 0) {
        plaintext.flip();
        handler.onDatagram(session, plaintext);
      } else if (n == Status.ZERO_RETURN.code()) {
        engine.shutdown();
        end(null);
      } else {
        if (Status.ofCode(n).isFatal()) {
          end(engine.failure());
        } else {
          schedule(); // an open engine may still want a timer: see nanosUntilTimeout()
        }
        return;
      }
    }
  }

  /** Timers this close to the one already armed are not worth a cancel and a new one. */
  private static final long TIMER_SLACK_NANOS = 1_000_000;

  private void schedule() {
    long wait = engine.nanosUntilTimeout();
    long deadline = wait >= 0 ? System.nanoTime() + wait : 0;
    if (timer != null) {
      // most drives leave the engine's deadline where it was (a flight's timer runs on while
      // the peer's flight comes in): keep the timer then; one that fires early finds nothing due
      // and is armed again
      if (wait >= 0 && Math.abs(deadline - timerDeadline) < TIMER_SLACK_NANOS) {
        return;
      }
      timer.cancel();
      timer = null;
    }
    if (wait >= 0) {
      timerDeadline = deadline;
      timer = loop.at(deadline, onTimer);
    }
  }

  private void timedOut() {
    timer = null;
    if (ended) {
      return;
    }
    if (engine.onTimeout().isFatal()) {
      end(engine.failure());
      return;
    }
    drive();
  }

  /** The socket took our datagrams again after a full buffer. */
  void flush() {
    engine.flushPending();
  }

  /** Closes with close_notify. */
  void close() {
    if (!ended) {
      engine.shutdown();
      end(null);
    }
  }

  boolean isOpen() {
    return open && !ended;
  }

  private void end(Throwable cause) {
    if (ended) {
      return;
    }
    ended = true;
    if (timer != null) {
      timer.cancel();
    }
    engine.close();
    session.markClosed();
    if (cause instanceof io.niotls.engine.TlsException tls
        && tls.kind() == io.niotls.engine.TlsException.Kind.TIMEOUT
        && unreachable.getAsLong() > 0) {
      cause =
          new io.niotls.engine.TlsException(
              tls.kind(),
              null,
              tls.getMessage()
                  + "; the peer's host answered "
                  + unreachable.getAsLong()
                  + " datagram(s) with ICMP port unreachable: nothing listens on that UDP port",
              tls);
    }
    if (cause != null) {
      session.opened.completeExceptionally(cause);
    } else {
      session.opened.complete(session);
    }
    onEnd.run();
    if (open || cause == null) {
      handler.onClose(session, cause);
    }
  }
}
