package io.niotls.peers;

import io.niotls.context.TlsContext;
import io.niotls.engine.Status;
import io.niotls.engine.TlsEngine;
import io.niotls.transport.SocketTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.IntSupplier;

/**
 * A niotls client engine on a non-blocking socket to 127.0.0.1, driven the way a C program drives
 * OpenSSL: call, and on WANT_READ / WANT_WRITE wait on a selector, then call again. Every wait is
 * bounded by one deadline for the whole connection.
 */
final class ClientConnection implements AutoCloseable {
  final TlsEngine engine;
  private final SocketChannel channel;
  private final Selector selector;
  private final long deadline;

  private ClientConnection(TlsEngine engine, SocketChannel channel, Duration limit)
      throws IOException {
    this.engine = engine;
    this.channel = channel;
    this.selector = Selector.open();
    this.deadline = System.nanoTime() + limit.toNanos();
  }

  static ClientConnection open(TlsContext context, int port, Duration limit) throws IOException {
    SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
    channel.configureBlocking(false);
    TlsEngine engine = TlsEngine.client(context, new SocketTransport(channel), "localhost", port);
    return new ClientConnection(engine, channel, limit);
  }

  Status handshake() throws IOException {
    return status(call(() -> code(engine.handshake())));
  }

  /** Writes all of {@code text}; returns the status that stopped it (OK when all went). */
  Status write(String text) throws IOException {
    ByteBuffer src = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    while (src.hasRemaining()) {
      int n = call(() -> engine.write(src));
      if (n < 0) {
        return Status.ofCode(n);
      }
    }
    return Status.OK;
  }

  /** Reads until {@code text} has arrived or the connection ends; returns what arrived. */
  String readUntil(String text) throws IOException {
    StringBuilder received = new StringBuilder();
    ByteBuffer dst = ByteBuffer.allocate(4096);
    while (received.indexOf(text) < 0) {
      int n = call(() -> engine.read(dst));
      if (n < 0) {
        break;
      }
      received.append(new String(dst.array(), 0, n, StandardCharsets.UTF_8));
      dst.clear();
    }
    return received.toString();
  }

  Status shutdown() throws IOException {
    return status(call(() -> code(engine.shutdown())));
  }

  /** Repeats {@code op} until it returns a count or a status other than WANT_*. */
  private int call(IntSupplier op) throws IOException {
    SelectionKey key = channel.keyFor(selector);
    if (key == null) {
      key = channel.register(selector, 0);
    }
    while (true) {
      int n = op.getAsInt();
      Status status = n >= 0 ? Status.OK : Status.ofCode(n);
      if (status == Status.WANT_TASK) {
        engine.runTasks();
        continue;
      }
      if (status != Status.WANT_READ && status != Status.WANT_WRITE) {
        return n;
      }
      key.interestOps(status == Status.WANT_READ ? SelectionKey.OP_READ : SelectionKey.OP_WRITE);
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("timed out on " + status + ": " + engine);
      }
      selector.select(Math.max(1, left / 1_000_000));
      selector.selectedKeys().clear();
    }
  }

  private static int code(Status status) {
    return status == Status.OK ? 0 : status.code();
  }

  private static Status status(int n) {
    return n >= 0 ? Status.OK : Status.ofCode(n);
  }

  @Override
  public void close() throws IOException {
    engine.close();
    selector.close();
  }
}
