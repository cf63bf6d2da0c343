package io.niotls.transport;

import io.niotls.buffer.BufferPool;
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
 * <p>Two ways avoid a copy each: {@link #feedView} lets the engine read the caller's buffer in
 * place until {@link #detachInbound()}, and a {@link Sink} receives outbound ciphertext as the
 * engine writes it instead of buffering it for {@link #drain}. The Netty adapter uses both.
 *
 * <p>Not thread-safe.
 */
public final class MemoryTransport implements Transport {
  private static final int INITIAL = 4096;

  /**
   * Receives outbound ciphertext the moment the engine writes it. The buffer is the engine's own
   * and is reused after the call returns: copy what you take, keep no reference.
   */
  @FunctionalInterface
  public interface Sink {
    /**
     * Takes bytes from {@code ciphertext}, advancing its position.
     *
     * @return bytes taken: all of them, or fewer to make the engine report WANT_WRITE
     */
    int accept(ByteBuffer ciphertext);

    /**
     * Room for {@code size} bytes that the engine may encrypt into directly instead of handing them
     * to {@link #accept}: a buffer in write mode of the kind asked for, or null (the default) when
     * the sink has none of that kind.
     */
    default ByteBuffer reserve(int size, boolean direct) {
      return null;
    }

    /** Takes the bytes written into the buffer {@link #reserve} returned, up to its position. */
    default void commit(ByteBuffer reserved) {}
  }

  private final int outboundLimit;
  private final BufferPool pool; // null: plain heap buffers
  private ByteBuffer inbound; // read mode: unread ciphertext, copied in
  private ByteBuffer view; // the caller's buffer, read in place after inbound
  private ByteBuffer outbound; // read mode: undrained ciphertext
  private Sink sink;
  private boolean inboundEof;
  private boolean open = true;

  /** A transport whose outbound side takes any amount. */
  public MemoryTransport() {
    this(Integer.MAX_VALUE);
  }

  public MemoryTransport(int outboundLimit) {
    this(null, outboundLimit);
  }

  /** A transport whose buffers come from {@code pool} (typically the context's). */
  public MemoryTransport(BufferPool pool) {
    this(pool, Integer.MAX_VALUE);
  }

  public MemoryTransport(BufferPool pool, int outboundLimit) {
    if (outboundLimit <= 0) {
      throw new IllegalArgumentException("outboundLimit must be > 0");
    }
    this.pool = pool;
    this.outboundLimit = outboundLimit;
  }

  /** Appends all remaining bytes of {@code src} to the inbound side (copying them). */
  public void feed(ByteBuffer src) {
    if (inboundEof) {
      throw new IllegalStateException("inbound already ended");
    }
    detachInbound();
    inbound = append(inbound, src, src.remaining());
  }

  /**
   * Appends the remaining bytes of {@code src} to the inbound side without copying them: reads take
   * them straight from {@code src} (advancing its position) until {@link #detachInbound()}, which
   * the caller must call before it reuses or frees {@code src}. Bytes fed earlier are read first.
   *
   * @throws IllegalStateException when inbound already ended
   */
  public void feedView(ByteBuffer src) {
    if (inboundEof) {
      throw new IllegalStateException("inbound already ended");
    }
    detachInbound();
    view = src;
  }

  /**
   * Stops reading the buffer given to {@link #feedView}: the bytes not yet read are copied into the
   * transport, so the caller may reuse the buffer. A no-op without a view.
   */
  public void detachInbound() {
    if (view != null) {
      ByteBuffer rest = view;
      view = null;
      if (rest.hasRemaining()) {
        inbound = append(inbound, rest, rest.remaining());
      }
    }
  }

  /**
   * Hands outbound ciphertext to {@code sink} as the engine writes it, instead of keeping it for
   * {@link #drain}; bytes already kept go to the sink first. {@code null} restores keeping. The
   * outbound limit does not apply to a sink: it takes what it wants.
   */
  public void sink(Sink sink) {
    this.sink = sink;
    if (sink != null && outbound != null) {
      sink.accept(outbound);
      if (!outbound.hasRemaining()) {
        outbound = free(outbound);
      }
    }
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
      outbound = free(outbound);
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
    return (inbound == null ? 0 : inbound.remaining()) + (view == null ? 0 : view.remaining());
  }

  @Override
  public int read(ByteBuffer dst) {
    int n = 0;
    if (inbound != null) {
      n = copy(inbound, dst, dst.remaining());
      if (!inbound.hasRemaining()) {
        inbound = free(inbound);
      }
    }
    if (view != null && inbound == null) {
      n += copy(view, dst, dst.remaining());
    }
    if (n == 0 && pendingInbound() == 0) {
      return inboundEof || !open ? -1 : 0;
    }
    return n;
  }

  /**
   * The caller's buffer given to {@link #feedView}, when nothing fed earlier is still unread: the
   * engine decrypts straight from it, which saves copying each record into a network buffer.
   */
  @Override
  public ByteBuffer inboundInPlace() {
    boolean earlier = inbound != null && inbound.hasRemaining();
    return !earlier && view != null && view.hasRemaining() ? view : null;
  }

  /** The sink's own buffer, when there is a sink and nothing is kept for {@link #drain}. */
  @Override
  public ByteBuffer outboundInPlace(int size, boolean direct) {
    return sink != null && outbound == null ? sink.reserve(size, direct) : null;
  }

  @Override
  public void commitOutbound(ByteBuffer lent) {
    sink.commit(lent);
  }

  @Override
  public int write(ByteBuffer src) {
    if (sink != null && outbound == null) {
      return sink.accept(src);
    }
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

  /** Ends the transport and gives its buffers back; pending bytes are dropped. */
  @Override
  public void close() {
    open = false;
    inbound = free(inbound);
    outbound = free(outbound);
  }

  /** Gives a drained buffer back to the pool if it came from there; returns null. */
  private ByteBuffer free(ByteBuffer buffer) {
    if (buffer != null && pooled(buffer)) {
      pool.release(buffer);
    }
    return null;
  }

  // Grown buffers are at least twice the pool's size, and unpooled first buffers larger than it,
  // so the capacity tells a pooled buffer apart.
  private boolean pooled(ByteBuffer buffer) {
    return pool != null
        && buffer.capacity() == pool.bufferSize()
        && buffer.isDirect() == pool.isDirect();
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
  private ByteBuffer append(ByteBuffer buffer, ByteBuffer src, int n) {
    if (buffer == null) {
      buffer =
          pool != null && n <= pool.bufferSize()
              ? pool.acquire().flip()
              : ByteBuffer.allocate(Math.max(pool == null ? INITIAL : pool.bufferSize() + 1, n))
                  .flip();
    }
    if (buffer.capacity() - buffer.remaining() < n) {
      ByteBuffer grown =
          ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.remaining() + n));
      grown.put(buffer).flip();
      free(buffer);
      buffer = grown;
    }
    buffer.compact();
    copy(src, buffer, n);
    return buffer.flip();
  }
}
