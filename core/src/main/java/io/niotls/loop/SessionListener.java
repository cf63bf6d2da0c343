package io.niotls.loop;

/**
 * What a server or client hears about its sessions (admission control, statistics, the session
 * set). Called on the session's loop thread; implementations must be thread-safe across loops.
 */
interface SessionListener {
  /**
   * The first handshake of a TLS session ended: opened ({@code failure} null), or failed, timed out
   * or was cut short ({@code failure} says how; {@code connection} is null when the accepted socket
   * never became a session).
   */
  void handshakeEnded(Connection connection, CloseIntent failure);

  /** The session closed (after its handler heard). */
  void closed(Connection connection);
}
