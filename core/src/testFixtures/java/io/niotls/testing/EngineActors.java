package io.niotls.testing;

import static java.nio.channels.SelectionKey.OP_READ;
import static java.nio.channels.SelectionKey.OP_WRITE;

import io.niotls.engine.Status;
import io.niotls.engine.TlsEngine;
import io.niotls.testing.SelectorDriver.Actor;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/**
 * {@link SelectorDriver.Actor}s that drive a {@link TlsEngine} the way a selector loop does: call,
 * and turn WANT_READ / WANT_WRITE into interest in OP_READ / OP_WRITE; run WANT_TASK's tasks
 * inline. A fatal status fails the test with the engine's failure.
 */
public final class EngineActors {
  private static final int MAX_TASK_ROUNDS = 1000;

  private EngineActors() {}

  /** Completes the handshake. */
  public static Actor handshake(TlsEngine engine) {
    return new Actor() {
      Status last;

      @Override
      public int step() {
        for (int round = 0; round < MAX_TASK_ROUNDS; round++) {
          last = engine.handshake();
          if (last == Status.WANT_READ && engine.isHandshakeComplete()) {
            throw new AssertionError(engine + " asked for input after its handshake completed");
          }
          if (last != Status.WANT_TASK) {
            return interest(engine, last);
          }
          engine.runTasks();
        }
        throw new AssertionError("WANT_TASK without end from " + engine);
      }

      @Override
      public String toString() {
        return "handshake of " + engine + " last " + last;
      }
    };
  }

  /** Shuts down in OpenSSL's two steps, until DONE. */
  public static Actor shutdown(TlsEngine engine) {
    return new Actor() {
      Status last;

      @Override
      public int step() {
        last = engine.shutdown();
        return last == Status.SENT ? OP_READ : interest(engine, last);
      }

      @Override
      public String toString() {
        return "shutdown of " + engine + " last " + last;
      }
    };
  }

  /** Status to interest bits: OK and DONE finish the actor; fatal statuses fail the test. */
  static int interest(TlsEngine engine, Status status) {
    switch (status) {
      case OK:
      case DONE:
        return engine.wantsWrite() ? OP_WRITE : SelectorDriver.DONE;
      case WANT_READ:
        return OP_READ;
      case WANT_WRITE:
        return OP_WRITE;
      default:
        throw new AssertionError(engine + " reported " + status + ": " + engine.failure());
    }
  }

  /**
   * Sends {@code sendBytes} of a seeded pattern and, at the same time, reads {@code expectBytes},
   * keeping a CRC32 of each direction; done when both are complete and the last ciphertext is
   * written.
   */
  public static Stream stream(TlsEngine engine, long sendBytes, long expectBytes, long seed) {
    return new Stream(engine, sendBytes, expectBytes, seed);
  }

  /** The full-duplex bulk transfer actor of {@link #stream}. */
  public static final class Stream implements Actor {
    private final TlsEngine engine;
    private final PatternSource source;
    private final long expect;
    private final ByteBuffer out = ByteBuffer.allocate(64 * 1024).flip();
    private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    private final CRC32 sentCrc = new CRC32();
    private final CRC32 receivedCrc = new CRC32();
    private long received;

    Stream(TlsEngine engine, long sendBytes, long expectBytes, long seed) {
      this.engine = engine;
      this.source = new PatternSource(seed, sendBytes);
      this.expect = expectBytes;
    }

    @Override
    public int step() {
      boolean wantWrite = false;
      boolean progress = true;
      while (progress) {
        progress = false;
        if (!out.hasRemaining() && source.remaining() > 0) {
          out.clear();
          source.fill(out);
          out.flip();
          sentCrc.update(out.duplicate());
        }
        if (out.hasRemaining()) {
          int n = engine.write(out);
          progress = n > 0 || runTasks(n);
          wantWrite = n == Status.WANT_WRITE.code();
          check(n);
        }
        int n = engine.read(in);
        if (n > 0) {
          in.flip();
          receivedCrc.update(in);
          in.clear();
          received += n;
          progress = true;
        } else {
          progress |= runTasks(n);
          wantWrite |= n == Status.WANT_WRITE.code();
          check(n);
        }
      }
      if (received > expect) {
        throw new AssertionError(engine + " received " + received + " bytes, expected " + expect);
      }
      boolean sent = !out.hasRemaining() && source.remaining() == 0;
      if (sent && received == expect) {
        return interest(engine, engine.handshake()); // flushes the last records
      }
      return (received < expect ? OP_READ : 0) | (wantWrite || engine.wantsWrite() ? OP_WRITE : 0);
    }

    private boolean runTasks(int n) {
      if (n == Status.WANT_TASK.code()) {
        engine.runTasks();
        return true;
      }
      return false;
    }

    private void check(int n) {
      if (n < 0
          && Status.ofCode(n) != Status.WANT_READ
          && Status.ofCode(n) != Status.WANT_WRITE
          && Status.ofCode(n) != Status.WANT_TASK) {
        throw new AssertionError(
            engine + " reported " + Status.ofCode(n) + " mid-stream: " + engine.failure());
      }
    }

    public long sentCrc() {
      return sentCrc.getValue();
    }

    public long receivedCrc() {
      return receivedCrc.getValue();
    }

    public long received() {
      return received;
    }

    @Override
    public String toString() {
      return "stream of "
          + engine
          + ": "
          + source.remaining()
          + " to send, "
          + received
          + " of "
          + expect
          + " received";
    }
  }
}
