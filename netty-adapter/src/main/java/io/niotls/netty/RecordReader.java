package io.niotls.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.niotls.engine.Status;
import io.niotls.engine.TlsEngine;
import io.niotls.transport.MemoryTransport;
import java.nio.ByteBuffer;

/**
 * The inbound half of a {@link TlsHandler}: hands received ciphertext to the engine without copying
 * it, and decrypts every whole record into plaintext {@link ByteBuf}s sized from the record
 * framing, so the engine writes straight into them.
 *
 * <p>Passive, like the engine: it calls user code only through the {@link Sink} it is given, and
 * stops when the sink says so. Confined to the channel's event loop.
 */
final class RecordReader {
  private static final int MAX_BATCH = 64 * 1024;

  /** Where plaintext goes. */
  interface Sink {
    /** Takes (and owns) a buffer of plaintext; false when reading must stop now. */
    boolean accept(ByteBuf plaintext);
  }

  private final TlsEngine engine;
  private final MemoryTransport transport;
  private final boolean direct;
  private final RecordFraming framing = new RecordFraming();
  private int appBufferSize = TlsHandler.RECORD;

  /**
   * @param direct decrypt into direct buffers (the context prefers them) or heap buffers
   */
  RecordReader(TlsEngine engine, MemoryTransport transport, boolean direct) {
    this.engine = engine;
    this.transport = transport;
    this.direct = direct;
  }

  /**
   * The handshake is done: the session's record size is known.
   *
   * @param applicationBufferSize what the session says a record's plaintext may need
   */
  void established(int applicationBufferSize) {
    appBufferSize = applicationBufferSize;
  }

  /**
   * Hands {@code in}'s readable bytes to the engine, in place when they are one contiguous region;
   * the caller must call {@link #detach()} before it releases {@code in}.
   */
  void feed(ByteBuf in) {
    if (in.nioBufferCount() == 1) {
      // The buffer's own cached NIO view (no duplicate made per read): it is read only between
      // here and detach(), by position and limit, before anything else can ask for it.
      ByteBuffer view = in.internalNioBuffer(in.readerIndex(), in.readableBytes());
      framing.scan(view);
      transport.feedView(view);
    } else {
      for (ByteBuffer part : in.nioBuffers()) {
        framing.scan(part);
        transport.feed(part);
      }
    }
  }

  /** Whether a whole record is buffered for the engine. */
  boolean hasWholeRecord() {
    return framing.hasWholeRecord();
  }

  /** Keeps (copies) the bytes the engine has not taken yet, so the fed buffer may go. */
  void detach() {
    transport.detachInbound();
  }

  void feedEof() {
    transport.feedEof();
  }

  /**
   * Decrypts every whole record buffered into plaintext for {@code sink}. Returns how it stopped:
   * WANT_READ (needs more), ZERO_RETURN (close_notify, or closed for reading), OK (the sink said
   * stop) or SYSCALL/SSL. Without {@code eof} it does not call the engine while no whole record has
   * arrived; with it, the engine sees the end of the stream (and reports a truncation).
   */
  Status read(ByteBufAllocator alloc, boolean eof, Sink sink) {
    if (!eof && !framing.hasWholeRecord() && engine.pending() == 0) {
      return Status.WANT_READ;
    }
    ByteBuf plain = null;
    long produced = 0;
    try {
      while (true) {
        if (plain == null) {
          plain = allocate(alloc, framing.wholeBodyBytes() - produced + engine.pending());
        }
        int n = engine.read(plain.internalNioBuffer(plain.writerIndex(), plain.writableBytes()));
        if (n > 0) {
          produced += n;
          plain.writerIndex(plain.writerIndex() + n);
          if (!eof && transport.pendingInbound() == 0 && !engine.holdsBuffers()) {
            // Every byte that arrived is decrypted: another read could only say WANT_READ.
            framing.consumed();
            ByteBuf last = plain;
            plain = null;
            sink.accept(last);
            return Status.WANT_READ;
          }
          if (plain.writableBytes() < roomWanted(produced)) {
            ByteBuf full = plain;
            plain = null;
            if (!sink.accept(full)) {
              return Status.OK;
            }
          }
          continue;
        }
        Status s = Status.ofCode(n);
        if (s == Status.WANT_TASK) {
          engine.runTasks();
          continue;
        }
        if (s == Status.WANT_READ) {
          framing.consumed();
        }
        if (plain.isReadable()) {
          ByteBuf last = plain;
          plain = null;
          sink.accept(last);
        }
        return s;
      }
    } finally {
      if (plain != null) {
        plain.release();
      }
    }
  }

  /**
   * The room the plaintext buffer must still have to take the next record, once {@code produced}
   * bytes were decrypted in this read: what the whole records still buffered can hold (their
   * bodies, an upper bound of their plaintext), at most a full record's worth, at least a byte.
   * Small records of one read so go into one buffer and reach the next handler as one {@code
   * channelRead}, as Netty's SslHandler passes them on over OpenSSL's engine (an HTTP/2 codec then
   * decodes once, not once per record); a buffer is passed on only when the next record may not fit
   * in what is left of it.
   */
  private int roomWanted(long produced) {
    long rest = framing.wholeBodyBytes() - produced + engine.pending();
    return (int) Math.max(1, Math.min(rest, appBufferSize));
  }

  /**
   * A buffer for at most {@code expected} bytes of plaintext (what the whole records that arrived
   * can hold): at least one record's worth when that much may come, so the engine decrypts straight
   * into it instead of through its own buffer.
   */
  private ByteBuf allocate(ByteBufAllocator alloc, long expected) {
    int capacity;
    if (expected <= 0) {
      capacity = appBufferSize; // records the framing did not count: the handshake's last flight
    } else if (expected < appBufferSize) {
      capacity = (int) Math.max(expected, 64);
    } else {
      capacity = (int) Math.max(appBufferSize, Math.min(expected, MAX_BATCH));
    }
    return direct ? alloc.directBuffer(capacity) : alloc.heapBuffer(capacity);
  }
}
