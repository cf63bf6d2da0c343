package io.niotls.interop;

import io.niotls.engine.Status;
import io.niotls.engine.TlsEngine;
import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.function.IntSupplier;

/**
 * Drives one engine over a non-blocking socket the way a C program drives OpenSSL: call, and on
 * WANT_READ / WANT_WRITE wait for the socket with a selector, then call again. Bounded in time.
 */
final class Blocking implements AutoCloseable {
  private final TlsEngine engine;
  private final SocketChannel channel;
  private final Selector selector;
  private final long deadline;

  Blocking(TlsEngine engine, SocketChannel channel, Duration limit) throws IOException {
    this.engine = engine;
    this.channel = channel;
    this.selector = Selector.open();
    this.deadline = System.nanoTime() + limit.toNanos();
  }

  /** Repeats {@code op} until it returns a count or a status other than WANT_*. */
  int call(IntSupplier op) throws IOException {
    SelectionKey key = channel.register(selector, 0);
    while (true) {
      int n = op.getAsInt();
      Status status = n >= 0 ? Status.OK : Status.ofCode(n);
      switch (status) {
        case WANT_READ -> key.interestOps(SelectionKey.OP_READ);
        case WANT_WRITE -> key.interestOps(SelectionKey.OP_WRITE);
        case WANT_TASK -> {
          engine.runTasks();
          continue;
        }
        default -> {
          return n;
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("timed out waiting for " + status + " in " + engine);
      }
      selector.select(Math.max(1, left / 1_000_000));
      selector.selectedKeys().clear();
    }
  }

  Status handshake() throws IOException {
    int n = call(() -> code(engine.handshake()));
    return n >= 0 ? Status.OK : Status.ofCode(n);
  }

  Status shutdown() throws IOException {
    int n = call(() -> code(engine.shutdown()));
    return n >= 0 ? Status.OK : Status.ofCode(n);
  }

  private static int code(Status status) {
    return status == Status.OK ? 0 : status.code();
  }

  @Override
  public void close() throws IOException {
    selector.close();
  }
}
