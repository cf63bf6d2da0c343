package io.niotls.channel;

import io.niotls.buffer.BufferPool;
import io.niotls.transport.MemoryTransport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;

/**
 * The inbound side of one {@link TlsChannel}: ciphertext read from the channel and not yet taken by
 * the engine, and what of it the engine is lent.
 *
 * <p>Once the handshake is done ({@link #frame}), the engine is lent whole records only (a {@link
 * RecordFramer} finds where they end) and a blocking read goes on reading until one is whole: one
 * engine call then decrypts it in place, where lending each fragment as it came made the engine
 * fail an unwrap, copy the fragment into a buffer of its own and compact it, once per fragment. The
 * handshake, a stopTls, a lost framing and the end of the stream lend everything read.
 *
 * <p>An idle channel (a virtual thread blocked in a read, say) holds no buffer of its own: it waits
 * in the free space of the caller's buffer ({@link #fill(boolean, ByteBuffer)}, the plaintext goes
 * there soon anyway), and what arrives is then copied to a pool buffer. Without such a buffer (the
 * handshake, a caller reading a few bytes at a time) it waits on a {@value #PROBE}-byte probe, made
 * the first time one is needed. A pool buffer goes back to the pool once the engine took all of it
 * and the last read came back short (the peer is not sending faster than we read).
 *
 * <p>Confined to the reader (the reader's lock); {@link #lend} and {@link #takeBack} are called
 * under the engine's lock too.
 */
final class ChannelInput {
  /** What a read waits on while the connection is idle and the caller lends no room. */
  static final int PROBE = 1024;

  /** The least free space of the caller's buffer worth waiting in: a header and some. */
  static final int MIN_SCRATCH = 64;

  private final ByteChannel channel;
  private final BufferPool pool;
  private final RecordFramer framer = new RecordFramer();
  private ByteBuffer probe; // made when first needed
  // null, the probe or a pool buffer, in write mode: [start, position) is read and not yet taken
  private ByteBuffer in;
  private int start;
  private long taken; // bytes the engine took since the stream's start
  private ByteBuffer lent; // what the engine is lent, between lend() and takeBack()
  private boolean lastReadFilled; // the last read filled what it read into: more is waiting
  private boolean framed; // lend whole records only
  private boolean ended; // the channel said end of stream

  ChannelInput(ByteChannel channel, BufferPool pool) {
    this.channel = channel;
    this.pool = pool;
  }

  /** Lends whole records only (true: after the handshake), or everything read (false). */
  void frame(boolean on) {
    framed = on;
    if (on && in != probe) {
      probe = null; // the handshake's; reads from now on mostly lend room of their own
    }
  }

  /**
   * Reads the channel until the engine has something new to be lent: in blocking mode until a
   * record is whole (or anything at all, unframed), else what the socket has now.
   *
   * @return -1 at end of stream; 0 when nothing new can be lent yet (non-blocking mode, or a
   *     blocking channel that read nothing); else a positive number
   */
  int fill(boolean blocking) throws IOException {
    return fill(blocking, null);
  }

  /**
   * {@link #fill(boolean)}, waiting in the free space of {@code scratch} (the caller's buffer, or
   * null) while idle, when it has room for {@value #MIN_SCRATCH} bytes: the bytes it receives are
   * moved to a pool buffer at once, and its contents past its position are left undefined.
   */
  int fill(boolean blocking, ByteBuffer scratch) throws IOException {
    if (scratch != null
        && (in == null || (in == probe && start == in.position())) // a pool buffer kept: read there
        && framer.atBoundary()
        && scratch.remaining() >= MIN_SCRATCH
        && !scratch.isReadOnly()) {
      ByteBuffer room = scratch.duplicate();
      int from = room.position();
      room.limit(from + Math.min(room.remaining(), pool.bufferSize()));
      int n = channel.read(room);
      if (n < 0) {
        ended = true;
        releaseIfTaken();
        return -1;
      }
      if (n == 0) {
        return 0; // a blocking channel that read nothing, or non-blocking: nothing came
      }
      release();
      probe = null; // the caller lends room: hold none of our own while idle
      in = pool.acquire();
      lastReadFilled = !room.hasRemaining();
      in.put(room.flip().position(from));
      framer.scan(in, 0, in.position());
      if (lendable() > 0 || !blocking) {
        return lendable() > 0 ? n : 0;
      }
    }
    while (true) {
      ByteBuffer target = readTarget();
      if (!target.hasRemaining()) {
        framer.lose(); // a record longer than a pool buffer: the engine assembles it itself
        return lendable();
      }
      int from = target.position();
      int n = channel.read(target);
      if (n < 0) {
        ended = true;
        releaseIfTaken();
        return -1;
      }
      lastReadFilled = !target.hasRemaining();
      framer.scan(target, from, target.position());
      if (lendable() > 0) {
        return n;
      }
      if (n == 0 || !(blocking || lastReadFilled)) {
        releaseIfTaken(); // nothing came, or only part of a record: hold no pool buffer for nothing
        return 0;
      }
    }
  }

  /** Lends what may be lent to the engine; false when nothing (engine's lock held). */
  boolean lend(MemoryTransport transport) {
    int n = lendable();
    if (n == 0) {
      return false;
    }
    lent = in.duplicate();
    lent.limit(start + n).position(start);
    transport.feedView(lent);
    return true;
  }

  /**
   * Takes back what was lent: what the engine took (decrypted in place or copied) is gone, the rest
   * stays here, uncopied (engine's lock held).
   */
  void takeBack(MemoryTransport transport) {
    if (lent == null) {
      return;
    }
    int took = lent.position() - start;
    lent.limit(lent.position()); // nothing left in the view for the transport to copy
    transport.detachInbound();
    lent = null;
    start += took;
    taken += took;
    if (start == in.position() && !lastReadFilled) {
      releaseIfTaken(); // caught up with the peer: hold nothing while waiting for more
    }
  }

  /** Bytes read and not yet taken by the engine. */
  int buffered() {
    return in == null ? 0 : in.position() - start;
  }

  /** Moves every byte read and not taken into {@code dst} (stopTls: they are plaintext). */
  void drainTo(ByteBuffer dst) {
    if (in != null) {
      dst.put(in.duplicate().limit(in.position()).position(start));
      start = in.position();
      taken = framer.seen();
    }
    release();
  }

  /** Gives the buffer back (at close, or once drained). */
  void release() {
    if (in != null && in != probe) {
      pool.release(in);
    }
    in = null;
    start = 0;
  }

  /** Bytes that may be lent now: whole records only while framed. */
  private int lendable() {
    int buffered = buffered();
    if (!framed || ended || framer.lost()) {
      return buffered;
    }
    // negative while the engine holds the start of a record the handshake lent it
    return (int) Math.max(0, Math.min(buffered, framer.boundary() - taken));
  }

  /** Where the next read goes: the probe when idle, else a pool buffer with room after the rest. */
  private ByteBuffer readTarget() {
    if (in != null && start == in.position()) { // all taken
      if (in != probe && (lastReadFilled || !framer.atBoundary())) {
        in.clear(); // more is on its way: into the same buffer
        start = 0;
        return in;
      }
      release();
    }
    if (in == null) {
      start = 0;
      if (framer.atBoundary()) {
        if (probe == null) {
          probe = ByteBuffer.allocate(PROBE);
        }
        in = probe.clear(); // idle, between records: wait on the probe
      } else {
        in = pool.acquire(); // the rest of a record the engine holds the start of
      }
    } else if (in == probe) {
      // Part of a record is in the probe: it and the rest go to a pool buffer.
      ByteBuffer buffer = pool.acquire();
      buffer.put(probe.flip().position(start));
      probe.clear();
      in = buffer;
      start = 0;
    } else if (!in.hasRemaining() && start > 0) {
      in.limit(in.position()).position(start);
      in.compact();
      start = 0;
    }
    return in;
  }

  /** Once everything read was taken: the probe is free again, a pool buffer goes back. */
  private void releaseIfTaken() {
    if (in != null && start == in.position()) {
      release();
    }
  }
}
