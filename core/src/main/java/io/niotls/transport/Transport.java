package io.niotls.transport;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where ciphertext comes from and goes to. Both calls never block.
 *
 * <p>Not thread-safe: a transport is confined to whoever drives its engine.
 */
public interface Transport extends Closeable {

  /**
   * Reads available bytes into {@code dst}.
   *
   * @return bytes read, 0 when nothing is available now, -1 at end of stream
   * @throws IOException when the transport failed (reset, closed)
   */
  int read(ByteBuffer dst) throws IOException;

  /**
   * Writes as much of {@code src} as the transport takes now.
   *
   * @return bytes taken, 0 when the transport is full
   */
  int write(ByteBuffer src) throws IOException;

  /**
   * Inbound bytes the engine may decrypt where they are instead of copying them out with {@link
   * #read}: a buffer in read mode whose position the engine moves past what it consumed, or null
   * when there are none (the default). A transport offers this only for bytes it already holds in
   * memory in front of everything else it would read, such as {@link MemoryTransport}'s view of the
   * caller's buffer; the engine still calls {@link #read} when these are not enough.
   */
  default ByteBuffer inboundInPlace() {
    return null;
  }

  /**
   * Room in the transport's own outbound buffer for the engine to encrypt into, which saves copying
   * the ciphertext out of the engine's buffer: a buffer in write mode with at least {@code size}
   * bytes free, direct or heap as asked, or null when the transport has none (the default). The
   * engine hands it back with {@link #commitOutbound}, which sends what was written into it.
   */
  default ByteBuffer outboundInPlace(int size, boolean direct) {
    return null;
  }

  /**
   * Sends what the engine wrote into the buffer {@link #outboundInPlace} lent it: the bytes between
   * the buffer's position when it was lent and its position now (possibly none).
   */
  default void commitOutbound(ByteBuffer lent) {}

  /** Half-closes the outbound direction (FIN) where the transport has one. */
  default void shutdownOutput() throws IOException {}

  boolean isOpen();

  @Override
  void close() throws IOException;
}
