package io.niotls.loop;

import io.niotls.engine.TlsException;

/**
 * Why a {@link TlsSession} ended, as told to {@link SessionHandler#onClosed} (on the session's loop
 * thread). {@link #EOF} is the plaintext counterpart of {@link #CLOSE_NOTIFY}.
 */
public enum CloseReason {
  /** The peer ended the TLS session cleanly with close_notify, and all we wrote was sent. */
  CLOSE_NOTIFY,
  /**
   * The peer ended the TLS session with close_notify while bytes the application had written were
   * still queued, and they were never sent: TLS 1.2 lets a close_notify end both directions (RFC
   * 5246 section 7.2.1), as does Netty's BoringSSL engine in TLS 1.3, and a peer that stops reading
   * after its close_notify lets nothing more through before the close timeout. {@link
   * TlsSession#unsentBytes()} says how many bytes; the cause says it in words.
   */
  CLOSE_NOTIFY_UNSENT,
  /** {@code tcp://} sessions only: the peer closed its side; the clean end of plaintext. */
  EOF,
  /**
   * The TCP stream ended without close_notify (during the handshake or after): the data may be
   * truncated. Never a clean end for TLS.
   */
  TRUNCATED,
  /** A TLS failure (bad certificate, no shared protocol, bad record); the cause says which. */
  ALERT,
  /** The handshake (or connect) deadline passed before the session opened. */
  TIMEOUT,
  /**
   * Anything else: connect refused, connection reset, a handler that threw, plaintext refused after
   * STARTTLS (CVE-2011-0411); the cause says what.
   */
  ERROR,
  /** We closed it: {@link TlsSession#close()}, or a server or loop group shutting down. */
  LOCAL,
  /**
   * We closed it with close_notify because no byte moved either way for {@link
   * LoopOptions#idleTimeout()}.
   */
  IDLE,
  /** We closed it with close_notify because it reached {@link LoopOptions#maxLifetime()}. */
  EXPIRED,
  /**
   * We closed it at once because its peer took no byte of our queued output for {@link
   * LoopOptions#writeStallTimeout()}: a peer that stopped reading. The cause says how much was
   * left.
   */
  STALLED;

  /** The reason a failure stands for: TLS failures by status, everything else ERROR. */
  static CloseReason of(Throwable failure) {
    if (failure instanceof TlsException tls) {
      return switch (tls.kind()) {
        case PROTOCOL -> ALERT;
        case TRUNCATED -> TRUNCATED;
        case TIMEOUT -> TIMEOUT;
        case TRANSPORT, PLAINTEXT_REFUSED -> ERROR;
      };
    }
    return ERROR;
  }
}
