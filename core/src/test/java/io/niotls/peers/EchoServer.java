package io.niotls.peers;

import io.niotls.context.TlsContext;
import io.niotls.engine.SessionInfo;
import io.niotls.engine.Status;
import io.niotls.engine.TlsEngine;
import io.niotls.transport.SocketTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A small niotls TLS echo server for external clients: one selector thread on 127.0.0.1, each
 * connection a {@link TlsEngine} over a {@link SocketTransport} whose WANT_READ / WANT_WRITE become
 * interest ops. It echoes what it reads, answers close_notify with its own, and reports how each
 * connection ended as an {@link Outcome}. Not the niotls loop: only what these tests need.
 */
final class EchoServer implements AutoCloseable {
  /** How one connection ended: its last status, what was negotiated, why it failed, what came. */
  record Outcome(
      Status status, SessionInfo session, String failure, String received, Duration lasted) {}

  private final TlsContext context;
  private final ServerSocketChannel listener;
  private final Selector selector;
  private final Thread thread;
  private final BlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
  private final List<Throwable> errors = new CopyOnWriteArrayList<>();
  private final List<Connection> open = new ArrayList<>();
  private volatile boolean running = true;

  private EchoServer(TlsContext context) throws IOException {
    this.context = context;
    this.listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    listener.configureBlocking(false);
    this.selector = Selector.open();
    listener.register(selector, SelectionKey.OP_ACCEPT);
    this.thread = new Thread(this::run, "niotls-echo-server");
    thread.setDaemon(true);
    thread.start();
  }

  static EchoServer start(TlsContext context) throws IOException {
    return new EchoServer(context);
  }

  int port() throws IOException {
    return ((InetSocketAddress) listener.getLocalAddress()).getPort();
  }

  /** The next connection to end, or a test failure if none ends in time. */
  Outcome next(Duration limit) throws InterruptedException {
    Outcome outcome = outcomes.poll(limit.toMillis(), TimeUnit.MILLISECONDS);
    if (outcome == null) {
      throw new AssertionError("no connection ended within " + limit);
    }
    return outcome;
  }

  /** Every connection that has ended so far. */
  List<Outcome> ended() {
    return new ArrayList<>(outcomes);
  }

  /**
   * Exceptions that escaped the engine into the server loop: none, if the engine keeps its word.
   */
  List<Throwable> errors() {
    return errors;
  }

  private final class Connection {
    final SocketChannel channel;
    final TlsEngine engine;
    final StringBuilder received = new StringBuilder();
    final long accepted = System.nanoTime();
    ByteBuffer echo; // read mode: plaintext still to send back
    SelectionKey key;

    Connection(SocketChannel channel) {
      this.channel = channel;
      this.engine = TlsEngine.server(context, new SocketTransport(channel));
    }
  }

  private void run() {
    while (running) {
      try {
        selector.select(100);
        for (SelectionKey key : selector.selectedKeys()) {
          if (!key.isValid()) {
            continue;
          }
          if (key.isAcceptable()) {
            accept();
          } else {
            Connection c = (Connection) key.attachment();
            try {
              service(c);
            } catch (RuntimeException e) {
              errors.add(e);
              finish(c, Status.SYSCALL);
            }
          }
        }
        selector.selectedKeys().clear();
      } catch (IOException | RuntimeException e) {
        errors.add(e);
      }
    }
  }

  private void accept() throws IOException {
    for (SocketChannel channel = listener.accept(); channel != null; channel = listener.accept()) {
      channel.configureBlocking(false);
      Connection c = new Connection(channel);
      c.key = channel.register(selector, SelectionKey.OP_READ, c);
      open.add(c);
    }
  }

  /** Moves one connection as far as it goes, then waits for what its engine asked for. */
  private void service(Connection c) {
    ByteBuffer in = ByteBuffer.allocate(16 * 1024);
    for (int round = 0; round < 10_000; round++) {
      if (c.echo != null && c.echo.hasRemaining()) {
        int n = c.engine.write(c.echo);
        if (n > 0) {
          continue;
        }
        if (!await(c, Status.ofCode(n))) {
          return;
        }
        continue;
      }
      int n = c.engine.read(in.clear());
      if (n > 0) {
        in.flip();
        c.received.append(StandardCharsets.UTF_8.decode(in.duplicate()));
        c.echo = ByteBuffer.allocate(n).put(in).flip();
        continue;
      }
      if (!await(c, Status.ofCode(n))) {
        return;
      }
    }
    errors.add(new AssertionError("a connection did not settle in 10,000 rounds: " + c.engine));
    finish(c, Status.SYSCALL);
  }

  /** Acts on a status; true when the caller should call the engine again at once. */
  private boolean await(Connection c, Status status) {
    switch (status) {
      case WANT_READ:
        c.key.interestOps(SelectionKey.OP_READ);
        return false;
      case WANT_WRITE:
        c.key.interestOps(SelectionKey.OP_WRITE);
        return false;
      case WANT_TASK:
        c.engine.runTasks();
        return true;
      case ZERO_RETURN:
        c.engine.shutdown(); // our close_notify, best effort: the peer may be gone already
        finish(c, status);
        return false;
      default:
        finish(c, status);
        return false;
    }
  }

  private void finish(Connection c, Status status) {
    if (!open.remove(c)) {
      return;
    }
    c.key.cancel();
    outcomes.add(
        new Outcome(
            status,
            c.engine.session(),
            c.engine.failure() == null ? null : c.engine.failure().getMessage(),
            c.received.toString(),
            Duration.ofNanos(System.nanoTime() - c.accepted)));
    c.engine.close();
  }

  @Override
  public void close() throws IOException, InterruptedException {
    running = false;
    selector.wakeup();
    thread.join(5_000);
    for (Connection c : new ArrayList<>(open)) {
      c.engine.close();
    }
    selector.close();
    listener.close();
  }
}
