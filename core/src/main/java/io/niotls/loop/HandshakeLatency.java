package io.niotls.loop;

import java.time.Duration;

/**
 * How long a server's completed handshakes took, from accept to the handshake's end, as recorded
 * (to three significant digits) over the server's life.
 *
 * @param count handshakes recorded
 * @param p50 the median
 * @param p90 the 90th percentile
 * @param p99 the 99th percentile
 * @param max the longest
 */
public record HandshakeLatency(long count, Duration p50, Duration p90, Duration p99, Duration max) {
  static final HandshakeLatency NONE =
      new HandshakeLatency(0, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);
}
