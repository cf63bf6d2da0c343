package io.niotls.loop;

import java.util.EnumSet;
import java.util.Set;

/** Where a {@link Connection} is in its life. {@link Connection#moveTo} is the only way on. */
enum SessionPhase {
  /** Made, not yet on its loop. */
  NEW,
  /** Client: the TCP connect is in progress (OP_CONNECT). */
  CONNECTING,
  /** The TLS handshake runs: the first one, or a STARTTLS one. */
  HANDSHAKING,
  /** Carries application data, TLS or plaintext. */
  OPEN,
  /**
   * STARTTLS was asked for: the last plaintext is being written; nothing is read until the
   * handshake starts, and its first byte must start a TLS record.
   */
  UPGRADING,
  /**
   * stopTls: the TLS bytes queued before it are written, then our close_notify; the peer's last TLS
   * data still goes to the handler until its close_notify arrives, then the session is OPEN again,
   * as plaintext. Writes made meanwhile wait, to go out as plaintext.
   */
  STOPPING,
  /** Closing gracefully: flushing queued data, then our close_notify. */
  CLOSING,
  /**
   * Our close_notify is out: the peer's last data still goes to the handler (TLS 1.3 half-close)
   * until its close_notify arrives or the close timeout ends the wait.
   */
  DRAINING,
  /** The socket is closed and the handler told. */
  CLOSED;

  private Set<SessionPhase> next;

  static {
    NEW.next = EnumSet.of(CONNECTING, HANDSHAKING, OPEN, CLOSED);
    CONNECTING.next = EnumSet.of(HANDSHAKING, OPEN, CLOSED);
    HANDSHAKING.next = EnumSet.of(OPEN, CLOSED);
    OPEN.next = EnumSet.of(UPGRADING, STOPPING, CLOSING, CLOSED);
    STOPPING.next = EnumSet.of(OPEN, CLOSED);
    UPGRADING.next = EnumSet.of(HANDSHAKING, CLOSED);
    CLOSING.next = EnumSet.of(DRAINING, CLOSED);
    DRAINING.next = EnumSet.of(CLOSED);
    CLOSED.next = EnumSet.noneOf(SessionPhase.class);
  }

  boolean canMoveTo(SessionPhase target) {
    return next.contains(target);
  }

  /** A graceful close is under way or done: no more writes are taken. */
  boolean closing() {
    return this == CLOSING || this == DRAINING || this == CLOSED;
  }

  /** A handshake (or the connect before it) is due: its deadline runs, closing now aborts. */
  boolean handshakePending() {
    return this == NEW || this == CONNECTING || this == HANDSHAKING || this == UPGRADING;
  }
}
