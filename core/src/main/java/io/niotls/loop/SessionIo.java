package io.niotls.loop;

import io.niotls.context.SniMapping;
import io.niotls.context.TlsContext;
import io.niotls.engine.HelloPeek;
import io.niotls.engine.SessionInfo;
import io.niotls.engine.Status;
import io.niotls.engine.TlsEngine;
import io.niotls.engine.TlsException;
import io.niotls.transport.Transport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The path of one session's bytes: its socket (and its selection key), its TLS engine once it has
 * one, and its outbound queue, with the same calls for plaintext and TLS. {@link Connection}
 * decides when; this moves the bytes.
 *
 * <p>Threading: loop-confined, except that while the worker pool runs the engine's delegated tasks
 * ({@link #runTasks}) the engine belongs to the worker; {@link #taskRunning()} says so and every
 * engine call here must wait until it is false.
 */
final class SessionIo {
  private static final int TASK_NONE = 0;
  private static final int TASK_RUNNING = 1;
  private static final int TASK_ABANDONED = 2;

  /** A field updater rather than an AtomicInteger: one object less for every idle session. */
  private static final AtomicIntegerFieldUpdater<SessionIo> TASK =
      AtomicIntegerFieldUpdater.newUpdater(SessionIo.class, "task");

  final Outbound outbound;
  private final SocketChannel channel;

  /** Who may touch the engine: the loop (NONE), a worker (RUNNING), a worker told to free it. */
  private volatile int task = TASK_NONE;

  private SelectionKey key;
  private int interest;
  private TlsEngine engine;
  private LoopSocketTransport socket; // the engine's transport, under the guard if any
  private FirstRecordGuard guard;
  private HelloPeek peek; // a server choosing its context by name: until the ClientHello is read
  private Function<TlsContext, List<String>> narrowing; // the protocols of the peek's choice
  private long discarded; // queued bytes the engine refused after the peer's close_notify
  private final Activity activity;

  /**
   * @param timed whether the session's limits are watched ({@link Activity})
   */
  SessionIo(SocketChannel channel, Outbound outbound, boolean timed) {
    this.channel = channel;
    this.outbound = outbound;
    this.activity = Activity.of(timed);
  }

  SocketChannel channel() {
    return channel;
  }

  /** When the socket last moved bytes, and whether output waits on it. */
  Activity activity() {
    return activity;
  }

  /** Registers the socket with {@code loop} for {@code session}, interested in nothing yet. */
  void register(TlsEventLoop loop, Registration session) throws IOException {
    key = loop.register(channel, 0, session);
    interest = 0;
  }

  /** Wants the socket's readiness for {@code ops}; nothing once the key is gone. */
  void interest(int ops) {
    if (ops != interest && key != null && key.isValid()) {
      key.interestOps(ops);
      interest = ops;
    }
  }

  boolean isTls() {
    return engine != null;
  }

  /**
   * Puts a TLS engine on the socket. {@code protocols} narrows the context's versions (null keeps
   * them); {@code startTls} guards the first inbound byte against injected plaintext.
   */
  void beginTls(
      TlsContext context, List<String> protocols, boolean startTls, String host, int port) {
    socket = new LoopSocketTransport(channel, activity);
    Transport transport = socket;
    if (startTls) {
      guard = new FirstRecordGuard(transport);
      transport = guard;
    }
    engine =
        context.isClient()
            ? TlsEngine.client(context, transport, host, port)
            : TlsEngine.server(context, transport);
    if (protocols != null) {
      engine.restrictProtocols(protocols);
    }
    if (context.isClient()) {
      engine.awaitTicketsBeforeClose(); // closeStep re-drives the close when the wait ends
    }
  }

  /**
   * Puts TLS on the socket for a server with several contexts: the engine is made once the
   * ClientHello has been read and {@code sni} has chosen its context (see {@link HelloPeek}), with
   * the versions {@code protocols} gives for that context (null keeps the context's).
   */
  void beginTls(SniMapping sni, Function<TlsContext, List<String>> protocols) {
    socket = new LoopSocketTransport(channel, activity);
    peek = new HelloPeek(sni);
    narrowing = protocols;
  }

  /** A new loop event on the session: the engine's next read asks the socket again. */
  void rearm() {
    if (socket != null) {
      socket.rearm();
    }
  }

  /** Drives the handshake: OK, WANT_READ, WANT_WRITE or WANT_TASK. */
  Status handshake() throws IOException {
    if (peek != null) {
      if (!peek.read(socket)) {
        return Status.WANT_READ;
      }
      List<String> protocols = narrowing.apply(peek.context());
      engine = peek.engine(socket);
      peek = null;
      if (protocols != null) {
        engine.restrictProtocols(protocols);
      }
    }
    Status s = engine.handshake();
    if (s.isFatal()) {
      throw failure();
    }
    return s;
  }

  SessionInfo session() {
    return engine.session();
  }

  /**
   * Reads into {@code buffer}: for TLS, one record's data (OK: there may be more), for plaintext
   * what the socket has (OK when that filled the buffer). Else the read stops: WANT_READ,
   * WANT_WRITE, WANT_TASK, ZERO_RETURN (close_notify, or EOF for plaintext), or SYSCALL/SSL — then
   * any bytes read are still to be delivered before {@link #failure()} is thrown.
   *
   * <p>One record at a time, so the handler sees the data before the engine reads on: a reply it
   * writes to the peer's last record goes out before a close_notify right behind that record is
   * read (BoringSSL closes both directions the moment it reads close_notify).
   */
  Status read(ByteBuffer buffer) throws IOException {
    if (engine == null) {
      int n = channel.read(buffer);
      activity.read(n);
      if (n < 0) {
        return Status.ZERO_RETURN;
      }
      return n == 0 || buffer.hasRemaining() ? Status.WANT_READ : Status.OK;
    }
    return engine.read(buffer) < 0 ? engine.status() : Status.OK;
  }

  /** Hands queued bytes to the engine or socket; true when nothing is left waiting. */
  boolean flush() throws IOException {
    if (engine != null && engine.wantsWrite() && engine.handshake() != Status.OK) {
      if (engine.status().isFatal()) {
        throw failure();
      }
      return false;
    }
    for (ByteBuffer head = outbound.peek(); head != null; head = outbound.peek()) {
      int n = engine == null ? written(channel.write(head)) : engine.write(head);
      if (n > 0) {
        outbound.sent(head, n);
      } else if (engine == null || engine.status() == Status.WANT_WRITE) {
        return false;
      } else if (engine.status() == Status.ZERO_RETURN) {
        // The engine takes no more data: the peer's close_notify closed both directions (TLS 1.2,
        // RFC 5246 7.2.1, and Netty's BoringSSL engine). Counted: the session reports the loss.
        discarded += outbound.discard();
      } else {
        throw failure();
      }
    }
    return !pendingOutput();
  }

  private int written(int n) {
    activity.wrote(n);
    return n;
  }

  /** Bytes the application wrote that the engine refused after the peer's close_notify. */
  long discarded() {
    return discarded;
  }

  /** Bytes wait to be written: queued, or ciphertext the socket has not taken yet. */
  boolean pendingOutput() {
    return !outbound.isEmpty() || engine != null && engine.wantsWrite();
  }

  /** The TLS close: SENT, DONE, WANT_*; for plaintext, DONE. A failure counts as DONE. */
  Status shutdown() {
    if (engine == null) {
      return Status.DONE;
    }
    Status s = engine.shutdown();
    return s.isFatal() ? Status.DONE : s; // the peer went first: what we were closing is closed
  }

  /**
   * While {@link #shutdown()} waits for a TLS 1.3 server's session tickets (it said WANT_READ): the
   * nanoTime at which the wait ends and the close must be driven again; 0 when none began.
   */
  long ticketWaitEnds() {
    return engine == null ? 0 : engine.ticketWaitEnds();
  }

  /**
   * stopTls: writes the TLS bytes queued before it through the engine, and what the engine holds;
   * true once all are out. Bytes the engine refuses after the peer's close_notify are counted as
   * {@link #discarded()}.
   */
  boolean flushTls(ArrayDeque<ByteBuffer> queued) throws IOException {
    while (queued != null && !queued.isEmpty()) {
      ByteBuffer head = queued.peek();
      int n = engine.write(head);
      if (n > 0) {
        outbound.release(n);
        if (!head.hasRemaining()) {
          queued.poll();
        }
      } else if (engine.status() == Status.WANT_WRITE) {
        return false;
      } else if (engine.status() == Status.ZERO_RETURN) {
        for (ByteBuffer lost : queued) {
          discarded += lost.remaining();
          outbound.release(lost.remaining());
        }
        queued.clear();
      } else {
        throw failure();
      }
    }
    if (engine.wantsWrite() && engine.handshake() != Status.OK) {
      if (engine.status().isFatal()) {
        throw failure();
      }
      return false;
    }
    return true;
  }

  /**
   * stopTls's close: the engine's shutdown() as it reports it (SENT, DONE, a WANT_*, a failure).
   */
  Status stopTls() {
    return engine.shutdown();
  }

  /**
   * Ends TLS once close_notify has gone both ways: returns the bytes the engine read behind the
   * peer's close_notify (the first plaintext); from now on the socket carries bytes as they are.
   */
  ByteBuffer endTls() {
    ByteBuffer rest = engine.unwrapRemainder();
    engine = null;
    socket = null;
    guard = null;
    return rest;
  }

  /** Aborts a handshake in progress (close_notify or alert, best effort). */
  void abortHandshake() {
    if (engine != null && !taskRunning()) {
      engine.shutdown();
    }
  }

  boolean taskRunning() {
    return task == TASK_RUNNING;
  }

  /**
   * Runs the engine's delegated tasks on {@code workers}. Then, unless the session closed meanwhile
   * (the worker frees the engine instead), {@code resume} gets the task's failure or null, on the
   * worker thread: it must hand over to the loop.
   */
  void runTasks(Executor workers, Consumer<Throwable> resume) throws IOException {
    TlsEngine busy = engine;
    task = TASK_RUNNING;
    try {
      workers.execute(
          () -> {
            Throwable failure = null;
            try {
              busy.runTasks();
            } catch (Throwable t) {
              failure = t;
            }
            if (TASK.compareAndSet(this, TASK_RUNNING, TASK_NONE)) {
              resume.accept(failure);
            } else {
              busy.close(); // the session closed while we ran: freeing the engine falls to us
            }
          });
    } catch (RejectedExecutionException e) {
      task = TASK_NONE;
      throw new IOException("the worker pool has shut down; cannot run the TLS engine's tasks", e);
    }
  }

  /** Closes the socket and frees the engine, unless a worker holds it (then the worker does). */
  void close() {
    boolean workerHasEngine = TASK.compareAndSet(this, TASK_RUNNING, TASK_ABANDONED);
    if (engine != null && !workerHasEngine) {
      engine.close();
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing: nothing more to lose
    }
    outbound.discard();
  }

  /** Why the engine failed: the STARTTLS guard's refusal first, else the engine's own. */
  IOException failure() {
    if (guard != null && guard.refusal() != null) {
      return guard.refusal();
    }
    TlsException f = engine.failure();
    return f != null ? f : new IOException("the TLS engine failed with " + engine.status());
  }
}
