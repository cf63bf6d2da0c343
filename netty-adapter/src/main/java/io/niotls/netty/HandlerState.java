package io.niotls.netty;

import java.util.EnumSet;
import java.util.Set;

/** Where a {@link TlsHandler} is in its life; it moves between these in one method. */
enum HandlerState {
  /** Made, not yet in a pipeline: no engine yet. */
  DETACHED,
  /**
   * STARTTLS mode, in a pipeline: what is written before the first {@code flush()} goes out as
   * plaintext; the handshake begins after that flush, or when the peer's first bytes arrive.
   */
  PLAINTEXT,
  /** In a pipeline with an engine; the handshake waits for the channel to become active. */
  READY,
  HANDSHAKING,
  /** Handshake done: records flow both ways. */
  OPEN,
  /**
   * closeOutbound() sent our close_notify (a TLS half-close): writes are refused, records are still
   * read until the peer's close_notify.
   */
  OUTBOUND_CLOSED,
  /**
   * close() sent close_notify; the channel closes once it is written (and, if asked, the peer's is
   * read or the wait is over). Inbound data is discarded.
   */
  CLOSING,
  /** The engine is freed: the channel closed, the connection failed or the handler was removed. */
  DONE;

  private Set<HandlerState> next;

  static {
    DETACHED.next = EnumSet.of(PLAINTEXT, READY);
    PLAINTEXT.next = EnumSet.of(READY, HANDSHAKING, DONE);
    READY.next = EnumSet.of(HANDSHAKING, DONE);
    HANDSHAKING.next = EnumSet.of(OPEN, DONE);
    OPEN.next = EnumSet.of(OUTBOUND_CLOSED, CLOSING, DONE);
    OUTBOUND_CLOSED.next = EnumSet.of(CLOSING, DONE);
    CLOSING.next = EnumSet.of(DONE);
    DONE.next = EnumSet.noneOf(HandlerState.class);
  }

  boolean canMoveTo(HandlerState target) {
    return next.contains(target);
  }

  /** Whether records are decrypted and passed on (after the handshake, before close()). */
  boolean readsRecords() {
    return this == OPEN || this == OUTBOUND_CLOSED;
  }

  /** Whether the handshake is still to come or under way: writes wait for its end. */
  boolean beforeOpen() {
    return this == PLAINTEXT || this == READY || this == HANDSHAKING;
  }

  /** Whether our close_notify is out or the connection is over: writes are refused. */
  boolean closedForWriting() {
    return this == OUTBOUND_CLOSED || this == CLOSING || this == DONE;
  }
}
