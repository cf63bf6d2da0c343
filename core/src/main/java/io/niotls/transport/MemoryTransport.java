package io.niotls.transport;

import java.nio.ByteBuffer;

/**
 * A BIO pair in memory: the caller {@link #feed feeds} inbound ciphertext and {@link #drain drains}
 * outbound ciphertext; the engine reads and writes the other ends. The Netty adapter and the
 * benchmarks use it; tests use it to deliver bytes one at a time.
 *
 * <p>The outbound side takes at most {@code outboundLimit} undrained bytes, so a small limit makes
 * the engine report WANT_WRITE the way a full socket does. Buffers are dropped when drained empty,
 * so an idle transport holds no memory.
 *
 * <p>Not thread-safe.
 */
public final class MemoryTransport implements Transport {
  private static final int INITIAL = 4096;

  private final int outboundLimit;
  private ByteBuffer inbound; // read mode: unread ciphertext
  private ByteBuffer outbound; // read mode: undrained ciphertext
  private boolean inboundEof;
  private boolean open = true;

  /** A transport whose outbound side takes any amount. */
  public MemoryTransport() {
    this(Integer.MAX_VALUE);
  }

  public MemoryTransport(int outboundLimit) {
    if (outboundLimit <= 0) {
      throw new IllegalArgumentException("outboundLimit must be > 0");
    }
    this.outboundLimit = outboundLimit;
  }

  /** Appends all remaining bytes of {@code src} to the inbound side. */
  public void feed(ByteBuffer src) {
    if (inboundEof) {
      throw new IllegalStateException("inbound already ended");
    }
    inbound = append(inbound, src, src.remaining());
  }

  /** Appends {@code bytes} to the inbound side. */
  public void feed(byte[] bytes) {
    feed(ByteBuffer.wrap(bytes));
  }

  /** Marks the end of the inbound stream: once drained, {@link #read} returns -1. */
  public void feedEof() {
    inboundEof = true;
  }

  /**
   * Moves up to {@code dst.remaining()} outbound bytes into {@code dst}.
   *
   * @return bytes moved
   */
  public int drain(ByteBuffer dst) {
    if (outbound == null) {
      return 0;
    }
    int n = copy(outbound, dst, dst.remaining());
    if (!outbound.hasRemaining()) {
      outbound = null;
    }
    return n;
  }

  /** Drains everything pending outbound into a new array. */
  public byte[] drainAll() {
    byte[] out = new byte[pendingOutbound()];
    drain(ByteBuffer.wrap(out));
    return out;
  }

  public int pendingOutbound() {
    return outbound == null ? 0 : outbound.remaining();
  }

  public int pendingInbound() {
    return inbound == null ? 0 : inbound.remaining();
  }

  @Override
  public int read(ByteBuffer dst) {
    if (inbound == null) {
      return inboundEof || !open ? -1 : 0;
    }
    int n = copy(inbound, dst, dst.remaining());
    if (!inbound.hasRemaining()) {
      inbound = null;
    }
    return n;
  }

  @Override
  public int write(ByteBuffer src) {
    int room = outboundLimit - pendingOutbound();
    int n = Math.min(room, src.remaining());
    if (n > 0) {
      outbound = append(outbound, src, n);
    }
    return n;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    open = false;
  }

  private static int copy(ByteBuffer from, ByteBuffer to, int max) {
    int n = Math.min(max, from.remaining());
    int limit = from.limit();
    from.limit(from.position() + n);
    to.put(from);
    from.limit(limit);
    return n;
  }

  /** Appends {@code n} bytes of {@code src} to a read-mode buffer, growing it as needed. */
  private static ByteBuffer append(ByteBuffer buffer, ByteBuffer src, int n) {
    if (buffer == null) {
      buffer = ByteBuffer.allocate(Math.max(INITIAL, n)).flip();
    }
    if (buffer.capacity() - buffer.remaining() < n) {
      ByteBuffer grown =
          ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.remaining() + n));
      grown.put(buffer).flip();
      buffer = grown;
    }
    buffer.compact();
    copy(src, buffer, n);
    return buffer.flip();
  }
}
