package io.niotls.channel;

import io.niotls.buffer.BufferPool;
import io.niotls.transport.MemoryTransport;
import java.nio.ByteBuffer;

/**
 * Where the engine of one {@link TlsChannel} puts its ciphertext: a pool buffer that the engine
 * encrypts into directly ({@link #reserve}) or copies into ({@link #accept}), and that the socket's
 * side then takes whole ({@link #take}), so a record is not copied on its way from the engine to
 * the socket. One buffer at a time: while it holds bytes, the engine is lent no room and may copy
 * only what fits, and says WANT_WRITE for the rest, as over a full socket.
 *
 * <p>Guarded by the channel's engine lock: the engine calls it inside its calls, {@link #take} and
 * {@link #release} are called under that lock too.
 */
final class SealedOutput implements MemoryTransport.Sink {
  private final BufferPool pool;
  private ByteBuffer sealed; // write mode: [0, position) is ciphertext not yet taken; null if none

  SealedOutput(BufferPool pool) {
    this.pool = pool;
  }

  @Override
  public int accept(ByteBuffer ciphertext) {
    if (sealed == null) {
      sealed = pool.acquire();
    }
    int n = Math.min(ciphertext.remaining(), sealed.remaining());
    int limit = ciphertext.limit();
    ciphertext.limit(ciphertext.position() + n);
    sealed.put(ciphertext);
    ciphertext.limit(limit);
    return n;
  }

  /** The buffer itself, when it has room for {@code size} bytes and is of the kind asked for. */
  @Override
  public ByteBuffer reserve(int size, boolean direct) {
    if (direct != pool.isDirect()) {
      return null;
    }
    if (sealed == null) {
      sealed = pool.acquire();
    }
    return sealed.remaining() >= size ? sealed : null;
  }

  @Override
  public void commit(ByteBuffer reserved) {
    // the engine encrypted into the buffer itself, up to its position: nothing to move
    if (sealed != null && sealed.position() == 0) {
      release(); // the engine wrote nothing (a BUFFER_OVERFLOW): hold nothing
    }
  }

  /** Bytes waiting to be taken. */
  int pending() {
    return sealed == null ? 0 : sealed.position();
  }

  /** The ciphertext, in read mode, now the caller's to write and give back to the pool; or null. */
  ByteBuffer take() {
    if (pending() == 0) {
      return null;
    }
    ByteBuffer out = sealed.flip();
    sealed = null;
    return out;
  }

  /** Gives the buffer back (the engine is freed, or it is empty). */
  void release() {
    if (sealed != null) {
      pool.release(sealed);
      sealed = null;
    }
  }
}
