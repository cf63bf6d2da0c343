package io.niotls.datagram;

/** Where a {@link DtlsEngine} is in its life; it moves forward only. */
enum DtlsPhase {
  NEW,
  HANDSHAKING,
  /** Handshake done: datagrams flow both ways. */
  OPEN,
  /** Our close_notify is sent; the peer's may still come. */
  SHUTDOWN_SENT,
  /** Both close_notify seen, or closed locally. */
  CLOSED,
  /** A protocol failure or timeout; every further call reports it. */
  FAILED
}
