package io.niotls.loop;

import io.niotls.context.TlsConfigException;
import java.time.Duration;

/**
 * The per-session settings servers and clients share, taken from {@link ServerOptions} or {@link
 * ClientOptions}.
 *
 * @param tcpNoDelay TCP_NODELAY on the session's socket
 * @param connectTimeout clients: the deadline for the name lookup and TCP connect
 * @param maxOutboundBytes the outbound queue's limit
 * @param limits how long an open session may idle, live and stall
 */
record SessionConfig(
    boolean tcpNoDelay, Duration connectTimeout, int maxOutboundBytes, SessionLimits limits) {

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
