package io.niotls.cli.server;

import io.niotls.loop.CloseReason;
import io.niotls.loop.SessionHandler;
import io.niotls.loop.TlsSession;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Counts a server's connections: open now, the most open at once, and closed so far; and calls
 * {@code onLimit} once when {@code limit} connections have closed. Also numbers the messages an
 * SMTP server accepts. Thread-safe.
 */
public final class Tally {
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger peak = new AtomicInteger();
  private final AtomicLong closed = new AtomicLong();
  private final AtomicLong messages = new AtomicLong();
  private final long limit;
  private final Runnable onLimit;

  /**
   * @param limit call {@code onLimit} when this many connections have closed; 0 for never
   */
  public Tally(long limit, Runnable onLimit) {
    this.limit = limit;
    this.onLimit = onLimit;
  }

  /** Wraps a handler factory so that every handler it makes is counted. */
  public Supplier<SessionHandler> counting(Supplier<? extends SessionHandler> handlers) {
    return () -> {
      peak.accumulateAndGet(open.incrementAndGet(), Math::max);
      return new Counted(handlers.get());
    };
  }

  /** Connections accepted and not yet closed. */
  public int open() {
    return open.get();
  }

  /** The most connections open at once. */
  public int peak() {
    return peak.get();
  }

  /** Connections closed. */
  public long closed() {
    return closed.get();
  }

  /** Counts one more message accepted and returns its number, from 1. */
  public long messageAccepted() {
    return messages.incrementAndGet();
  }

  /** Messages accepted. */
  public long messages() {
    return messages.get();
  }

  private void closedOne() {
    open.decrementAndGet();
    if (closed.incrementAndGet() == limit) {
      onLimit.run();
    }
  }

  private final class Counted implements SessionHandler {
    private final SessionHandler inner;

    Counted(SessionHandler inner) {
      this.inner = inner;
    }

    @Override
    public void onOpen(TlsSession session) {
      inner.onOpen(session);
    }

    @Override
    public void onData(TlsSession session, ByteBuffer data) {
      inner.onData(session, data);
    }

    @Override
    public void onWritable(TlsSession session) {
      inner.onWritable(session);
    }

    @Override
    public void onClosed(TlsSession session, CloseReason reason, Throwable cause) {
      try {
        inner.onClosed(session, reason, cause);
      } finally {
        closedOne();
      }
    }
  }
}
