package io.niotls.netty;

import java.util.EnumSet;
import java.util.Set;

/** Where a {@link TlsHandler} is in its life; it moves between these in one method. */
enum HandlerState {
  /** Made, not yet in a pipeline: no engine yet. */
  DETACHED,
  /**
   * In a pipeline with an engine; the handshake waits for the channel (or, in startTls mode, the
   * first flush).
   */
  READY,
  HANDSHAKING,
  /** Handshake done: records flow both ways (also after a half-close with closeOutbound()). */
  OPEN,
  /**
   * close() sent close_notify; the channel closes once it is written (and, if asked, the peer's is
   * read or the wait is over). Inbound data is discarded.
   */
  CLOSING,
  /** The engine is freed: the channel closed, the connection failed or the handler was removed. */
  DONE;

  private Set<HandlerState> next;

  static {
    DETACHED.next = EnumSet.of(READY);
    READY.next = EnumSet.of(HANDSHAKING, DONE);
    HANDSHAKING.next = EnumSet.of(OPEN, DONE);
    OPEN.next = EnumSet.of(CLOSING, DONE);
    CLOSING.next = EnumSet.of(DONE);
    DONE.next = EnumSet.noneOf(HandlerState.class);
  }

  boolean canMoveTo(HandlerState target) {
    return next.contains(target);
  }
}
