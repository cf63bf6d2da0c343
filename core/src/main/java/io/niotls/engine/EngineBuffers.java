package io.niotls.engine;

import io.niotls.buffer.BufferPool;
import io.niotls.transport.MemoryTransport;
import io.niotls.transport.Transport;
import io.niotls.wire.TlsRecords;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The engine's three network-side buffers and the transport I/O that fills and empties them:
 * ciphertext in ({@code netIn}), ciphertext out ({@code netOut}) and decrypted plaintext not yet
 * read ({@code appIn}). Each is taken from the pool only while it holds bytes and given back as
 * soon as it is empty, so an idle connection holds none. Between calls every buffer that exists is
 * in read mode: its bytes are between position and limit.
 *
 * <p>Confined to the thread driving the engine.
 */
final class EngineBuffers {
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();
  private static final ByteBuffer EMPTY_SINK = ByteBuffer.allocate(0); // room for nothing

  private final BufferPool pool;
  private final Transport transport;
  private ByteBuffer netIn;
  private ByteBuffer netOut;
  private ByteBuffer
      netOutNext; // read mode: ciphertext behind netOut's, of a flight too big for one
  private ByteBuffer wrapping; // the buffer lent by beginWrap or beginFlightWrap until endWrap
  private ByteBuffer appIn;

  EngineBuffers(BufferPool pool, Transport transport) {
    this.pool = pool;
    this.transport = transport;
  }

  /**
   * The ciphertext to unwrap next: netIn, else what the transport offers in place when it is the
   * kind of buffer the provider reads fastest (direct for BoringSSL, heap for the JDK, whose
   * ciphers copy direct buffers through arrays anyway), else an empty buffer.
   */
  ByteBuffer netIn() {
    if (netIn != null) {
      return netIn;
    }
    ByteBuffer inPlace = transport.inboundInPlace();
    return inPlace != null && inPlace.isDirect() == pool.isDirect() ? inPlace : EMPTY;
  }

  /** Gives netIn back once an unwrap consumed all of it. */
  void afterUnwrap() {
    if (netIn != null && !netIn.hasRemaining()) {
      pool.release(netIn);
      netIn = null;
    }
  }

  /** The body length of the record up next when it is whole, else {@link Integer#MAX_VALUE}. */
  int nextRecordBody() {
    ByteBuffer in = netIn();
    return TlsRecords.wholeRecordPresent(in) ? TlsRecords.bodyLength(in) : Integer.MAX_VALUE;
  }

  /** Whether any ciphertext waits to be unwrapped, in netIn or in the transport's view. */
  boolean holdsCiphertext() {
    return netIn().hasRemaining();
  }

  boolean holdsNetIn() {
    return netIn != null;
  }

  /** A whole record (header and body) is buffered. */
  boolean holdsWholeRecord() {
    return netIn != null && TlsRecords.wholeRecordPresent(netIn);
  }

  /** Reads from the transport into netIn: bytes read, 0 when none now, -1 at end of stream. */
  int fill() throws IOException {
    if (netIn == null
        && transport instanceof MemoryTransport memory
        && memory.pendingInbound() == 0) {
      // Nothing to read: say so without taking a buffer from the pool (and giving it back), once
      // per read that finds the input drained.
      return memory.read(EMPTY_SINK);
    }
    netIn = netIn == null ? pool.acquire() : netIn.compact();
    try {
      return transport.read(netIn);
    } finally {
      netIn.flip();
      if (!netIn.hasRemaining()) {
        pool.release(netIn);
        netIn = null;
      }
    }
  }

  /**
   * Room a record's encryption may need beyond its plaintext: header, tag, padding. TLS 1.3 allows
   * 256 bytes; the AEAD suites niotls offers add under 30 in either version.
   */
  private static final int RECORD_OVERHEAD = TlsRecords.MAX_TLS13_EXPANSION;

  /**
   * A buffer of the transport's to encrypt {@code plaintext} bytes into directly, when nothing of
   * ours waits to be written before them and the transport offers one of the pool's kind; null
   * otherwise. BoringSSL's wrap needs room for the record at hand; the JDK's wants a whole packet
   * buffer, so a heap sink is asked for that much. {@link #endWrapInPlace} must follow.
   */
  ByteBuffer beginWrapInPlace(int plaintext) {
    if (netOut != null) {
      return null;
    }
    if (!pool.isDirect()) {
      return transport.outboundInPlace(pool.bufferSize(), false);
    }
    int size = (int) Math.min(pool.bufferSize(), (long) plaintext + RECORD_OVERHEAD);
    return transport.outboundInPlace(size, true);
  }

  /** Hands the buffer of {@link #beginWrapInPlace} back: the transport sends what was written. */
  void endWrapInPlace(ByteBuffer lent) {
    transport.commitOutbound(lent);
  }

  /**
   * The last buffer of ciphertext in write mode (netOut, or netOutNext while a flight fills two),
   * for a wrap or an alert put behind what it holds; {@link #endWrap()} must follow.
   */
  ByteBuffer beginWrap() {
    if (netOutNext != null) {
      wrapping = netOutNext.compact();
      return wrapping;
    }
    netOut = netOut == null ? pool.acquire() : netOut.compact();
    wrapping = netOut;
    return netOut;
  }

  /**
   * A buffer in write mode for one wrap of a handshake flight, which gathers behind what netOut
   * already holds so that the whole flight leaves in one transport write: netOut itself while it is
   * empty, else a second pool buffer beside it (the JDK's engine wants a whole packet buffer free
   * even for a small record, and netOut is one packet buffer), whose bytes {@link #endWrap()}
   * appends to netOut when they fit, or queues behind it when they do not. The second buffer lives
   * only until then, or until the next {@link #flush()}: a connection waiting for its peer holds
   * none of it. Not again while {@link #flightFull()}: flush first.
   */
  ByteBuffer beginFlightWrap() {
    if (netOutNext != null) {
      throw new IllegalStateException(
          "two buffers of ciphertext wait: flush() before the next wrap");
    }
    if (netOut != null && netOut.hasRemaining()) {
      wrapping = pool.acquire();
      return wrapping;
    }
    return beginWrap();
  }

  /**
   * Ends the wrap of {@link #beginWrap()} or {@link #beginFlightWrap()}: what it wrote is netOut's
   * last bytes, or netOutNext's (see {@link #lastWrapped()}).
   */
  void endWrap() {
    ByteBuffer wrote = wrapping;
    wrapping = null;
    if (wrote == netOut || wrote == netOutNext) {
      wrote.flip();
      return;
    }
    wrote.flip();
    if (!wrote.hasRemaining()) {
      pool.release(wrote);
    } else if (netOut.capacity() - netOut.remaining() >= wrote.remaining()) {
      netOut.compact().put(wrote).flip(); // a few KB of handshake: cheaper than a write of its own
      pool.release(wrote);
    } else {
      netOutNext = wrote; // a flight bigger than a buffer: two writes
    }
  }

  /** The buffer, in read mode, whose last bytes the last wrap wrote. */
  ByteBuffer lastWrapped() {
    return netOutNext != null ? netOutNext : netOut;
  }

  /** Two buffers of ciphertext wait: {@link #flush()} must empty them before the next wrap. */
  boolean flightFull() {
    return netOutNext != null;
  }

  /** Writes pending ciphertext: true when none is left. */
  boolean flush() throws IOException {
    while (netOut != null) {
      while (netOut.hasRemaining()) {
        if (transport.write(netOut) == 0) {
          return false;
        }
      }
      pool.release(netOut);
      netOut = netOutNext;
      netOutNext = null;
    }
    return true;
  }

  boolean wantsWrite() {
    return netOut != null && netOut.hasRemaining();
  }

  /** appIn in write mode, for an unwrap; {@link #endUnwrapIntoAppIn()} must follow. */
  ByteBuffer beginUnwrapIntoAppIn() {
    appIn = appIn == null ? pool.acquire() : appIn.compact();
    return appIn;
  }

  void endUnwrapIntoAppIn() {
    appIn.flip();
    if (!appIn.hasRemaining()) {
      releaseAppIn();
    }
  }

  boolean holdsAppIn() {
    return appIn != null;
  }

  int pending() {
    return appIn == null ? 0 : appIn.remaining();
  }

  /** Moves buffered plaintext into {@code dst}; returns how many bytes. */
  int take(ByteBuffer dst) {
    int n = Math.min(dst.remaining(), appIn.remaining());
    int limit = appIn.limit();
    appIn.limit(appIn.position() + n);
    dst.put(appIn);
    appIn.limit(limit);
    if (!appIn.hasRemaining()) {
      releaseAppIn();
    }
    return n;
  }

  void releaseAppIn() {
    if (appIn != null) {
      pool.release(appIn);
      appIn = null;
    }
  }

  boolean holdsAny() {
    return netIn != null || netOut != null || netOutNext != null || appIn != null;
  }

  /**
   * Gives back netOut and appIn but keeps netIn: once the peer's close_notify is read, what netIn
   * still holds arrived behind it (plaintext after a stopTls), for {@link #takeInput()}. {@link
   * #releaseAll()} frees it with the engine.
   */
  void releaseAllButInput() {
    releaseNetOut();
    releaseAppIn();
  }

  /**
   * What netIn holds (read from the transport, not unwrapped), copied into a new heap buffer in
   * read mode, possibly empty; netIn goes back to the pool.
   */
  ByteBuffer takeInput() {
    if (netIn == null) {
      return ByteBuffer.allocate(0);
    }
    ByteBuffer rest = ByteBuffer.allocate(netIn.remaining()).put(netIn).flip();
    pool.release(netIn);
    netIn = null;
    return rest;
  }

  void releaseAll() {
    if (netIn != null) {
      pool.release(netIn);
      netIn = null;
    }
    releaseNetOut();
    releaseAppIn();
  }

  private void releaseNetOut() {
    if (netOut != null) {
      pool.release(netOut);
      netOut = null;
    }
    if (netOutNext != null) {
      pool.release(netOutNext);
      netOutNext = null;
    }
  }

  static ByteBuffer empty() {
    return EMPTY;
  }
}
