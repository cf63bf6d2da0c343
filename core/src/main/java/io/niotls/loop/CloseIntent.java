package io.niotls.loop;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Why a session closes and the failure behind it, if any: what {@link SessionHandler#onClosed}
 * hears. A graceful close carries it from {@code beginClose} through close_notify and the wait for
 * the peer's; a deadline or a failure closes with its own. Immutable.
 *
 * @param reason why the session ends
 * @param cause the failure behind it; null for an ordinary end
 */
record CloseIntent(CloseReason reason, Throwable cause) {
  /** We closed it: {@link TlsSession#close()}, a shutdown, a loop gone. */
  static final CloseIntent LOCAL = new CloseIntent(CloseReason.LOCAL, null);

  /** An end without a failure: close_notify, EOF, ours. */
  static CloseIntent of(CloseReason reason) {
    return reason == CloseReason.LOCAL ? LOCAL : new CloseIntent(reason, null);
  }

  /** A failure's end: TLS failures by their kind, anything else {@link CloseReason#ERROR}. */
  static CloseIntent failure(Throwable cause) {
    return new CloseIntent(CloseReason.of(cause), cause);
  }

  /** A deadline passed: {@link CloseReason#TIMEOUT} with the failure naming it. */
  static CloseIntent timeout(IOException failure) {
    return new CloseIntent(CloseReason.TIMEOUT, failure);
  }

  /**
   * What the end is once the bytes it left unsent are known: the peer's close_notify that left
   * {@code lost} bytes of ours unsent is {@link CloseReason#CLOSE_NOTIFY_UNSENT}, with the count in
   * words; every other end stays as it is.
   */
  CloseIntent unsent(long lost, InetSocketAddress peer) {
    return reason == CloseReason.CLOSE_NOTIFY && lost > 0
        ? new CloseIntent(CloseReason.CLOSE_NOTIFY_UNSENT, Failures.unsent(peer, lost))
        : this;
  }

  /**
   * What a future still waiting for the session to open hears: the cause, else that the session
   * closed first. Made only when one waits: an exception per ordinary close (its stack trace filled
   * in for nobody) cost a busy server several microseconds per connection.
   */
  Throwable why() {
    return cause != null ? cause : new IOException("the session closed (" + reason + ") first");
  }
}
