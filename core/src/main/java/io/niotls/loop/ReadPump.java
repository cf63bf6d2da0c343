package io.niotls.loop;

import io.niotls.engine.Status;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A session's reading: one record's data (for plaintext, a loop buffer) at a time is handed over
 * before the next is read, and an open TLS session reads on only once the replies its handler
 * queued are out, so a close_notify right behind a request never ends the session with its answer
 * unsent. While it waits for that, {@link #waitsForWrite()} says so: the session then wants
 * OP_WRITE, and a writable socket resumes the reading.
 *
 * <p>It reads in one of two modes: an open session's data, while the session lets it; or, once our
 * close_notify is out (draining), the peer's last data until its close_notify or a failure. What
 * stopped it ({@link Stop}) the session acts on.
 *
 * <p>Loop-confined, like the {@link Connection} that owns it.
 */
final class ReadPump {
  /** Reads per readiness event before other sessions get a turn. */
  private static final int ROUNDS = 16;

  /** The session the pump reads for. */
  interface Reader {
    /** Whether to read the next record now; asked before each one. */
    boolean reading();

    /** Hands {@code data} (not empty) to the handler. */
    void deliver(ByteBuffer data) throws IOException;
  }

  /** Why the pump stopped. */
  enum Stop {
    /** The session does not read now ({@link Reader#reading()} said no). */
    PAUSED,
    /** Read as many records as one event allows, and there may be more: yield, then go on. */
    YIELD,
    /** Nothing more to read until the socket is readable. */
    WANT_READ,
    /**
     * The engine must write first: replies queued by the handler, or a post-handshake message. An
     * open session then {@link #waitsForWrite()}; a draining one waits for OP_WRITE.
     */
    WANT_WRITE,
    /** The engine has delegated tasks to run. */
    WANT_TASK,
    /** The peer's close_notify (for plaintext, EOF). */
    PEER_CLOSED,
    /** The engine failed; {@link SessionIo#failure()} says why. */
    FAILED
  }

  private boolean waitsForWrite;
  private boolean delivering;

  /**
   * Reads what is there and hands it to {@code reader} until the read would wait, the reader stops
   * reading, the peer closes, or the engine fails.
   *
   * @param buffer the loop's read buffer
   * @param draining our close_notify is out: read the peer's last data, replies no longer wait
   */
  Stop pump(SessionIo io, ByteBuffer buffer, boolean draining, Reader reader) throws IOException {
    waitsForWrite = false;
    for (int round = 0; round < ROUNDS; round++) {
      if (!reader.reading()) {
        return Stop.PAUSED;
      }
      if (!draining && io.isTls() && io.pendingOutput() && !io.flush()) {
        // Replies to what was read wait for the socket: read on only once they are out, or a
        // close_notify up next would end the session with them unsent.
        waitsForWrite = true;
        return Stop.WANT_WRITE;
      }
      buffer.clear();
      Status stop = io.read(buffer);
      buffer.flip();
      if (buffer.hasRemaining()) {
        delivering = true;
        try {
          reader.deliver(buffer);
        } finally {
          delivering = false;
        }
      }
      switch (stop) {
        case OK -> {} // a record's data, or a full buffer: there may be more
        case WANT_READ -> {
          return Stop.WANT_READ;
        }
        case WANT_WRITE -> {
          waitsForWrite = !draining;
          return Stop.WANT_WRITE;
        }
        case WANT_TASK -> {
          return Stop.WANT_TASK;
        }
        case ZERO_RETURN -> {
          return Stop.PEER_CLOSED;
        }
        default -> {
          return Stop.FAILED;
        }
      }
    }
    return Stop.YIELD;
  }

  /** An open session's read waits until what it queued is written: it wants OP_WRITE. */
  boolean waitsForWrite() {
    return waitsForWrite;
  }

  /** Data is being handed to the handler right now (a STARTTLS asked for from onData waits). */
  boolean delivering() {
    return delivering;
  }
}
