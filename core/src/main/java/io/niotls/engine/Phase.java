package io.niotls.engine;

import java.util.EnumSet;
import java.util.Set;

/** Where a connection is in its life. {@link TlsEngine} moves between these in one place. */
enum Phase {
  /** Made, nothing sent. */
  NEW,
  HANDSHAKING,
  /** Handshake done, both directions open. */
  OPEN,
  /** Our close_notify is queued or sent; the peer may still send. */
  SHUTDOWN_SENT,
  /** The peer's close_notify arrived; we may still send (TLS 1.3 half-close). */
  PEER_CLOSED,
  /** Both close_notify sent and seen, or the connection was aborted or closed locally. */
  CLOSED,
  /** A protocol or transport failure; every further call reports it. */
  FAILED;

  private Set<Phase> next;

  static {
    NEW.next = EnumSet.of(HANDSHAKING, CLOSED, FAILED);
    HANDSHAKING.next = EnumSet.of(OPEN, CLOSED, FAILED);
    OPEN.next = EnumSet.of(SHUTDOWN_SENT, PEER_CLOSED, CLOSED, FAILED);
    SHUTDOWN_SENT.next = EnumSet.of(CLOSED, FAILED);
    PEER_CLOSED.next = EnumSet.of(CLOSED, FAILED);
    CLOSED.next = EnumSet.noneOf(Phase.class);
    FAILED.next = EnumSet.noneOf(Phase.class);
  }

  boolean canMoveTo(Phase target) {
    return next.contains(target);
  }

  /** The handshake finished: session facts are known. */
  boolean established() {
    return this == OPEN || this == SHUTDOWN_SENT || this == PEER_CLOSED;
  }
}
