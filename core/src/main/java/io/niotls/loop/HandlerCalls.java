package io.niotls.loop;

import java.nio.ByteBuffer;

/**
 * A session's calls into its {@link SessionHandler}: one at a time, on the loop thread, and {@link
 * #running()} says whether one is under way, so a write made inside a callback is flushed after it
 * returns, never re-entrantly. {@code onClosed}, the last call, cannot fail the session: what it
 * throws is logged.
 *
 * <p>Loop-confined, like the {@link Connection} that owns it.
 */
final class HandlerCalls {
  // The log lines stay under the session's name, where operators look for them.
  private static final System.Logger LOG = System.getLogger(Connection.class.getName());

  private final SessionHandler handler;
  private boolean running;

  HandlerCalls(SessionHandler handler) {
    this.handler = handler;
  }

  /** Whether a callback is running now. */
  boolean running() {
    return running;
  }

  void onOpen(TlsSession session) {
    run(() -> handler.onOpen(session));
  }

  void onData(TlsSession session, ByteBuffer data) {
    run(() -> handler.onData(session, data));
  }

  void onWritable(TlsSession session) {
    run(() -> handler.onWritable(session));
  }

  /** The last call: what it throws is logged, the session is closed already. */
  void onClosed(TlsSession session, CloseIntent end) {
    try {
      handler.onClosed(session, end.reason(), end.cause());
    } catch (Throwable t) {
      LOG.log(System.Logger.Level.WARNING, "onClosed of " + session + " threw", t);
    }
  }

  private void run(Runnable call) {
    running = true;
    try {
      call.run();
    } finally {
      running = false;
    }
  }
}
