package io.niotls.loop;

import io.niotls.context.TlsConfigException;
import io.niotls.context.TlsContext;
import java.time.Duration;

/**
 * The per-session settings servers and clients share, taken from {@link ServerOptions} or {@link
 * ClientOptions}.
 *
 * @param tcpNoDelay TCP_NODELAY on the session's socket
 * @param handshakeTimeout deadline from accept/connect to open; null: the context's
 * @param closeTimeout how long a graceful close may wait for the peer
 * @param maxOutboundBytes the outbound queue's limit
 */
record SessionConfig(
    boolean tcpNoDelay, Duration handshakeTimeout, Duration closeTimeout, int maxOutboundBytes) {

  /** The deadline that applies to a session with {@code context} (null for plaintext). */
  Duration handshakeTimeoutFor(TlsContext context) {
    if (handshakeTimeout != null) {
      return handshakeTimeout;
    }
    return context != null ? context.handshakeTimeout() : Duration.ofSeconds(10);
  }

  static int positive(int n, String what) {
    if (n < 1) {
      throw new TlsConfigException(what + " must be positive, got " + n);
    }
    return n;
  }

  static Duration positive(Duration d, String what) {
    if (d.isNegative() || d.isZero()) {
      throw new TlsConfigException(what + " must be positive, got " + d);
    }
    return d;
  }
}
