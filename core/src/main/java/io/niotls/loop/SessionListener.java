package io.niotls.loop;

/**
 * What a server or client hears about its sessions (admission control, statistics, the session
 * set). Called on the session's loop thread; implementations must be thread-safe across loops.
 */
interface SessionListener {
  /** The first handshake of a TLS session ended: opened ({@code ok}) or failed or timed out. */
  void handshakeEnded(Connection connection, boolean ok);

  /** The session closed (after its handler heard). */
  void closed(Connection connection);
}
