package io.niotls.bench.support;

/**
 * A client and a server of one {@link Subject}'s kind, joined in memory and driven on the calling
 * thread: the unit every in-memory benchmark measures. Implementations move whole flights between
 * the two sides, never block, and bound every loop.
 */
public interface Duplex extends AutoCloseable {
  /**
   * Drives both handshakes to completion, then lets the client read what the server sent after its
   * last flight (TLS 1.3 session tickets), as a real client would.
   *
   * @throws IllegalStateException when either side fails or the handshake does not finish
   */
  void handshake();

  /** Whether the client resumed a session in its handshake. */
  boolean resumed();

  /** What the handshake negotiated. */
  Facts facts();

  /**
   * The client sends all of {@code payload}; the server reads all of it.
   *
   * @return bytes the server read
   */
  int transfer(Payload payload);

  /**
   * The server sends all of {@code payload}; the client reads all of it. A connection's first
   * response: BoringSSL's TLS 1.3 server sends its session tickets with its first application data,
   * so a client can only resume after one.
   *
   * @return bytes the client read
   */
  int reply(Payload payload);

  /**
   * Frees the client side and returns the server side alone, established and idle; closing it frees
   * the rest. This pair must not be used afterwards.
   */
  AutoCloseable keepServerOnly();

  /** Frees both sides (without close_notify for the engines; the handlers send theirs). */
  @Override
  void close();

  /** What a handshake negotiated, seen by the client. */
  record Facts(String protocol, String cipherSuite, boolean resumed) {}
}
