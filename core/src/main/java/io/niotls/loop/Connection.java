package io.niotls.loop;

import static java.nio.channels.SelectionKey.OP_CONNECT;
import static java.nio.channels.SelectionKey.OP_READ;
import static java.nio.channels.SelectionKey.OP_WRITE;

import io.niotls.context.TlsContext;
import io.niotls.engine.SessionInfo;
import io.niotls.engine.Status;
import io.niotls.engine.TlsEngine;
import io.niotls.engine.TlsException;
import io.niotls.transport.SocketTransport;
import io.niotls.transport.Transport;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One session's state machine on its loop: connect, handshake, data, STARTTLS, close. {@link Phase}
 * says where it is; {@link #moveTo} is the only way on.
 *
 * <p>Threading: the public {@link TlsSession} methods run on any thread and hand their work to the
 * loop; everything else runs on the loop thread through {@link #entry}, which runs one step, then
 * flushes and sets interest ops ({@link #afterEvent}), and closes the session if anything threw.
 * While the worker pool runs the engine's delegated tasks, nothing here touches the engine: {@link
 * #task} says who owns it.
 *
 * <p>Re-entrancy: handler callbacks run only from {@link #callback}, never from inside a public
 * method, so a handler that writes, closes or upgrades from a callback is never called back before
 * it returns.
 */
final class Connection implements TlsSession, Registration {
  private static final System.Logger LOG = System.getLogger(Connection.class.getName());

  /** Reads per readiness event before other sessions get a turn. */
  private static final int READ_ROUNDS = 16;

  /** onWritable rounds in one event before yielding to other sessions. */
  private static final int WRITABLE_ROUNDS = 8;

  private static final int TASK_NONE = 0;
  private static final int TASK_RUNNING = 1;
  private static final int TASK_ABANDONED = 2;

  /** A STARTTLS upgrade asked for: its context, its future, and the plaintext to send first. */
  private static final class Upgrade {
    final TlsContext context;
    final CompletableFuture<TlsSession> future;
    ArrayDeque<ByteBuffer> plaintext;

    Upgrade(TlsContext context, CompletableFuture<TlsSession> future) {
      this.context = context;
      this.future = future;
    }
  }

  @FunctionalInterface
  private interface Step {
    void run() throws Exception;
  }

  private final TlsEventLoop loop;
  private final SocketChannel channel;
  private final TlsHandler handler;
  private final Setup setup;
  private final SessionListener listener;
  private final String peerHost;
  private final int peerPort;
  private final Outbound outbound;
  private final CompletableFuture<TlsSession> opened = new CompletableFuture<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();

  /**
   * Who may touch the engine: the loop (NONE), a worker running tasks, or a worker told to free.
   */
  private final AtomicInteger task = new AtomicInteger(TASK_NONE);

  private volatile Phase phase = Phase.NEW;
  private volatile boolean autoRead = true;
  private volatile boolean closeRequested;
  private volatile SessionInfo info;
  private volatile InetSocketAddress remote;
  private volatile InetSocketAddress local;

  // Loop-confined from here on.
  private SelectionKey key;
  private int interest;
  private TlsEngine engine;
  private FirstRecordGuard guard;
  private Timers.Timer timer; // the handshake deadline, later the close timeout
  private Upgrade upgrade;
  private ByteBuffer delivering; // what onData is looking at, during the call
  private boolean inCallback;
  private boolean readWaitsForWrite; // a read returned WANT_WRITE (a post-handshake reply)
  private boolean initialHandshake; // a tls:// session whose first handshake has not ended
  private CloseReason closeReason;
  private Throwable closeCause;

  Connection(
      TlsEventLoop loop,
      SocketChannel channel,
      TlsHandler handler,
      Setup setup,
      SessionListener listener,
      InetSocketAddress peer,
      String peerHost) {
    this.loop = loop;
    this.channel = channel;
    this.handler = Objects.requireNonNull(handler, "handler");
    this.setup = setup;
    this.listener = listener;
    this.remote = peer;
    this.peerHost = peerHost;
    this.peerPort = peer.getPort();
    this.outbound = new Outbound(setup.config().maxOutboundBytes());
    this.initialHandshake = setup.context() != null;
  }

  // ---- start: loop thread ----

  /** Server side: the socket was accepted at {@code acceptedAt} (nanoTime). */
  void accepted(long acceptedAt) {
    entry(
        () -> {
          local = (InetSocketAddress) channel.getLocalAddress();
          key = loop.register(channel, 0, this);
          if (setup.context() == null) {
            open();
            return;
          }
          armDeadline(acceptedAt + timeoutFor(setup.context()).toNanos(), setup.context());
          beginHandshake(setup.context(), setup.protocols(), false);
        });
  }

  /** Client side: connects to {@code address}; open or failed by {@code deadline} (nanoTime). */
  void connect(InetSocketAddress address, long deadline) {
    entry(
        () -> {
          remote = address;
          key = loop.register(channel, 0, this);
          armDeadline(deadline, setup.context());
          boolean done;
          try {
            done = channel.connect(address);
          } catch (IOException e) {
            throw connectFailure(e);
          }
          if (done) {
            connected();
          } else {
            moveTo(Phase.CONNECTING);
            interest(OP_CONNECT);
          }
        });
  }

  /** The connect never started (name lookup failed, loop gone): close and report. */
  void abort(Throwable cause) {
    closeNow(CloseReason.ERROR, cause);
  }

  CompletableFuture<TlsSession> openFuture() {
    return opened;
  }

  /** The socket, for tests of its options. */
  SocketChannel socket() {
    return channel;
  }

  // ---- TlsSession: any thread ----

  @Override
  public boolean write(ByteBuffer src) {
    Phase p = phase;
    if (closeRequested || p == Phase.CLOSING || p == Phase.CLOSED) {
      return false;
    }
    int n = src.remaining();
    if (n == 0) {
      return true;
    }
    if (!outbound.reserve(n)) {
      onLoop(() -> {}); // the queue may have drained since: the loop re-checks writability
      return false;
    }
    ByteBuffer copy = ByteBuffer.allocate(n).put(src).flip();
    if (loop.inEventLoop()) {
      enqueue(copy);
      if (!inCallback) {
        onLoop(() -> {}); // flushed after the current work, never re-entrantly
      }
    } else {
      onLoop(() -> enqueue(copy));
    }
    return true;
  }

  @Override
  public CompletableFuture<Void> close() {
    closeRequested = true;
    onLoop(() -> beginClose(CloseReason.LOCAL, null));
    return closed;
  }

  @Override
  public CompletableFuture<Void> closeFuture() {
    return closed;
  }

  @Override
  public CompletableFuture<TlsSession> startTls(TlsContext context) {
    Objects.requireNonNull(context, "context");
    Upgrade u = new Upgrade(context, new CompletableFuture<>());
    if (loop.inEventLoop()) {
      requestUpgrade(u); // now, so writes after this call are not sent as plaintext
    } else {
      onLoop(() -> requestUpgrade(u));
    }
    return u.future;
  }

  @Override
  public void setAutoRead(boolean on) {
    autoRead = on;
    onLoop(() -> step(on ? OP_READ : 0));
  }

  @Override
  public boolean isAutoRead() {
    return autoRead;
  }

  @Override
  public SessionInfo info() {
    return info;
  }

  @Override
  public boolean isOpen() {
    return phase == Phase.OPEN && !closeRequested;
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return remote;
  }

  @Override
  public InetSocketAddress localAddress() {
    return local;
  }

  @Override
  public long queuedBytes() {
    return outbound.queued();
  }

  @Override
  public TlsEventLoop eventLoop() {
    return loop;
  }

  @Override
  public String toString() {
    return "TlsSession[" + Addresses.text(remote) + " " + phase + "]";
  }

  // ---- Registration: loop thread ----

  @Override
  public void ready(int readyOps) {
    entry(() -> step(readyOps));
  }

  @Override
  public void shutdown() {
    entry(() -> beginClose(CloseReason.LOCAL, null));
  }

  @Override
  public void forceClose() {
    closeNow(CloseReason.LOCAL, null);
  }

  // ---- the state machine: loop thread ----

  /** Runs one step, then flushes and sets interest; any failure closes the session. */
  private void entry(Step step) {
    try {
      step.run();
      afterEvent();
    } catch (Throwable t) {
      closeNow(CloseReason.of(t), t);
    }
  }

  /** Hands {@code step} to the loop; if the loop is gone, it closed this session already. */
  private void onLoop(Step step) {
    try {
      loop.execute(() -> entry(step));
    } catch (RejectedExecutionException gone) {
      closeNow(CloseReason.LOCAL, null);
    }
  }

  /** Does what the phase needs now that the socket is ready for {@code ops}. */
  private void step(int ops) throws IOException {
    if (task.get() == TASK_RUNNING) {
      return;
    }
    switch (phase) {
      case CONNECTING -> finishConnect();
      case HANDSHAKING -> handshakeStep();
      case OPEN -> {
        if ((ops & OP_READ) != 0 || readWaitsForWrite && (ops & OP_WRITE) != 0) {
          readPass();
        }
      }
      case UPGRADING -> upgradeStep();
      case CLOSING -> closeStep();
      default -> {}
    }
  }

  private void afterEvent() throws IOException {
    if (phase != Phase.OPEN || upgrade != null || task.get() == TASK_RUNNING) {
      return;
    }
    flush();
    int round = 0;
    while (phase == Phase.OPEN && outbound.takeWritability()) {
      if (++round > WRITABLE_ROUNDS) {
        onLoop(() -> {}); // an application that keeps up with the socket: yield, then go on
        break;
      }
      callback(() -> handler.onWritable(this));
      flush();
    }
    if (phase == Phase.OPEN) {
      int ops = autoRead ? OP_READ : 0;
      interest(pendingOutput() || readWaitsForWrite ? ops | OP_WRITE : ops);
    }
  }

  private void finishConnect() throws IOException {
    try {
      if (!channel.finishConnect()) {
        return;
      }
    } catch (IOException e) {
      throw connectFailure(e);
    }
    connected();
  }

  private void connected() throws IOException {
    local = (InetSocketAddress) channel.getLocalAddress();
    if (setup.context() == null) {
      open();
    } else {
      beginHandshake(setup.context(), setup.protocols(), false);
    }
  }

  private void open() throws IOException {
    cancelTimer();
    moveTo(Phase.OPEN);
    callback(() -> handler.onOpen(this));
    opened.complete(this);
  }

  private void beginHandshake(TlsContext context, List<String> protocols, boolean startTls)
      throws IOException {
    Transport transport = new SocketTransport(channel);
    if (startTls) {
      guard = new FirstRecordGuard(transport);
      transport = guard;
    }
    engine =
        context.isClient()
            ? TlsEngine.client(context, transport, peerHost, peerPort)
            : TlsEngine.server(context, transport);
    if (protocols != null) { // tlsv1.2:// or tlsv1.3:// narrow what the context allows
      engine.sslEngine().setEnabledProtocols(protocols.toArray(new String[0]));
    }
    moveTo(Phase.HANDSHAKING);
    handshakeStep();
  }

  private void handshakeStep() throws IOException {
    Status s = engine.handshake();
    switch (s) {
      case OK -> established();
      case WANT_READ -> interest(OP_READ);
      case WANT_WRITE -> interest(OP_WRITE);
      case WANT_TASK -> runTasks();
      default -> throw failure();
    }
  }

  private void established() throws IOException {
    cancelTimer();
    info = engine.session();
    moveTo(Phase.OPEN);
    Upgrade u = upgrade;
    upgrade = null;
    if (u != null) {
      u.future.complete(this);
    } else {
      if (initialHandshake) {
        initialHandshake = false;
        listener.handshakeEnded(this, true);
      }
      callback(() -> handler.onOpen(this));
      opened.complete(this);
    }
    readPass(); // the engine may already hold application data that no OP_READ will announce
  }

  /** Hands the engine to the worker pool for its delegated tasks; the loop resumes after. */
  private void runTasks() throws IOException {
    interest(0);
    TlsEngine busy = engine;
    task.set(TASK_RUNNING);
    try {
      loop.group().workers().execute(() -> runTasksOnWorker(busy));
    } catch (RejectedExecutionException e) {
      task.set(TASK_NONE);
      throw new IOException("the worker pool has shut down; cannot run the TLS engine's tasks", e);
    }
  }

  private void runTasksOnWorker(TlsEngine busy) {
    Throwable failure = null;
    try {
      busy.runTasks();
    } catch (Throwable t) {
      failure = t;
    }
    if (!task.compareAndSet(TASK_RUNNING, TASK_NONE)) {
      busy.close(); // the session closed while we ran: freeing the engine falls to us
      return;
    }
    Throwable f = failure;
    onLoop(
        () -> {
          if (f != null) {
            throw new IOException("a delegated TLS task failed: " + f, f);
          }
          step(OP_READ | OP_WRITE);
        });
  }

  /** Reads what is there and hands it to the handler, a loop buffer at a time. */
  private void readPass() throws IOException {
    readWaitsForWrite = false;
    for (int round = 0; round < READ_ROUNDS; round++) {
      if (phase != Phase.OPEN || !autoRead || upgrade != null || task.get() == TASK_RUNNING) {
        return;
      }
      ByteBuffer buffer = loop.readBuffer();
      buffer.clear();
      Status stop = engine == null ? readPlain(buffer) : readTls(buffer);
      buffer.flip();
      if (buffer.hasRemaining()) {
        deliver(buffer);
      }
      switch (stop) {
        case OK -> {} // the buffer filled up: there may be more
        case WANT_READ -> {
          return;
        }
        case WANT_WRITE -> {
          readWaitsForWrite = true;
          return;
        }
        case WANT_TASK -> {
          runTasks();
          return;
        }
        case ZERO_RETURN -> {
          if (phase == Phase.OPEN) {
            beginClose(engine == null ? CloseReason.EOF : CloseReason.CLOSE_NOTIFY, null);
          }
          return;
        }
        default -> throw failure();
      }
    }
    onLoop(() -> step(OP_READ)); // a fast peer: let the loop's other sessions have a turn
  }

  private Status readTls(ByteBuffer buffer) {
    while (buffer.hasRemaining()) {
      if (engine.read(buffer) < 0) {
        return engine.status();
      }
    }
    return Status.OK;
  }

  private Status readPlain(ByteBuffer buffer) throws IOException {
    int n = channel.read(buffer);
    if (n < 0) {
      return Status.ZERO_RETURN;
    }
    return n == 0 || buffer.hasRemaining() ? Status.WANT_READ : Status.OK;
  }

  private void deliver(ByteBuffer data) throws IOException {
    delivering = data;
    try {
      callback(() -> handler.onData(this, data));
    } finally {
      delivering = null;
    }
    if (upgrade != null && phase == Phase.OPEN) { // startTls() was called during onData
      if (data.hasRemaining()) {
        throw FirstRecordGuard.injection(
            data.remaining(), "in the same read as the STARTTLS exchange, after it");
      }
      beginUpgrade();
    }
  }

  private void enqueue(ByteBuffer bytes) {
    if (phase == Phase.CLOSING || phase == Phase.CLOSED) {
      outbound.release(bytes.remaining());
    } else {
      outbound.add(bytes);
    }
  }

  /** Hands queued bytes to the engine or socket; true when nothing is left waiting. */
  private boolean flush() throws IOException {
    if (task.get() == TASK_RUNNING) {
      return false;
    }
    if (engine != null && engine.wantsWrite() && engine.handshake() != Status.OK) {
      if (engine.status().isFatal()) {
        throw failure();
      }
      return false;
    }
    for (ByteBuffer head = outbound.peek(); head != null; head = outbound.peek()) {
      int n = engine == null ? channel.write(head) : engine.write(head);
      if (n > 0) {
        outbound.sent(head, n);
      } else if (engine == null || engine.status() == Status.WANT_WRITE) {
        return false;
      } else if (engine.status() == Status.ZERO_RETURN) {
        outbound.discard(); // the engine takes no more data (the peer closed a TLS 1.2 session)
      } else {
        throw failure();
      }
    }
    return !pendingOutput();
  }

  private boolean pendingOutput() {
    return !outbound.isEmpty() || engine != null && engine.wantsWrite();
  }

  // ---- STARTTLS: loop thread ----

  private void requestUpgrade(Upgrade u) {
    if (phase != Phase.OPEN || engine != null || upgrade != null || closeRequested) {
      String why =
          engine != null || upgrade != null
              ? "the session already speaks TLS or is upgrading"
              : "the session is not open (" + phase + ")";
      u.future.completeExceptionally(new IllegalStateException("cannot startTls: " + why));
      return;
    }
    u.plaintext = outbound.detach();
    upgrade = u;
    if (delivering == null) { // else deliver() checks what onData left, then begins
      onLoop(this::beginUpgrade);
    }
  }

  private void beginUpgrade() throws IOException {
    if (phase != Phase.OPEN || upgrade == null) {
      return;
    }
    moveTo(Phase.UPGRADING);
    armDeadline(System.nanoTime() + timeoutFor(upgrade.context).toNanos(), upgrade.context);
    upgradeStep();
  }

  /** Writes the plaintext queued before startTls(), then starts the handshake. */
  private void upgradeStep() throws IOException {
    ArrayDeque<ByteBuffer> tail = upgrade.plaintext;
    while (tail != null && !tail.isEmpty()) {
      ByteBuffer head = tail.peek();
      outbound.release(channel.write(head));
      if (head.hasRemaining()) {
        interest(OP_WRITE);
        return;
      }
      tail.poll();
    }
    beginHandshake(upgrade.context, null, true);
  }

  // ---- closing: loop thread ----

  private void beginClose(CloseReason reason, Throwable cause) throws IOException {
    switch (phase) {
      case NEW, CONNECTING, UPGRADING -> closeNow(reason, cause);
      case HANDSHAKING -> {
        if (task.get() != TASK_RUNNING) {
          engine.shutdown(); // aborts the handshake: best effort, the socket closes anyway
        }
        closeNow(reason, cause);
      }
      case OPEN -> {
        moveTo(Phase.CLOSING);
        closeReason = reason;
        closeCause = cause;
        cancelTimer();
        long deadline = System.nanoTime() + setup.config().closeTimeout().toNanos();
        timer = loop.at(deadline, () -> closeNow(closeReason, closeCause));
        closeStep();
      }
      default -> {}
    }
  }

  /** Queued data first, then close_notify, then the peer's (or the close timeout). */
  private void closeStep() throws IOException {
    if (task.get() == TASK_RUNNING) {
      return;
    }
    if (!flush()) {
      interest(OP_WRITE);
      return;
    }
    if (engine == null) {
      closeNow(closeReason, closeCause);
      return;
    }
    switch (engine.shutdown()) {
      case SENT, WANT_READ -> interest(OP_READ);
      case WANT_WRITE -> interest(OP_WRITE);
      case WANT_TASK -> runTasks();
      default -> closeNow(closeReason, closeCause); // DONE, or the peer went first: closed
    }
  }

  /** Closes the socket and frees the engine now, then tells the handler and the futures. */
  private void closeNow(CloseReason reason, Throwable cause) {
    Phase was;
    synchronized (this) { // only a terminated loop's stragglers can race the loop here
      was = phase;
      if (was == Phase.CLOSED) {
        return;
      }
      phase = Phase.CLOSED;
    }
    cancelTimer();
    boolean workerHasEngine = task.compareAndSet(TASK_RUNNING, TASK_ABANDONED);
    if (engine != null && !workerHasEngine) {
      engine.close();
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing: nothing more to lose
    }
    outbound.discard();
    if (initialHandshake) {
      initialHandshake = false;
      listener.handshakeEnded(this, false);
    }
    try {
      handler.onClosed(this, reason, cause);
    } catch (Throwable t) {
      LOG.log(System.Logger.Level.WARNING, "onClosed of " + this + " threw", t);
    }
    Throwable why =
        cause != null
            ? cause
            : new IOException("the session was closed (" + reason + ") before it opened");
    opened.completeExceptionally(why);
    if (upgrade != null) {
      upgrade.future.completeExceptionally(
          cause != null ? cause : new IOException("the session closed during STARTTLS"));
    }
    closed.complete(null);
    listener.closed(this);
  }

  // ---- helpers: loop thread ----

  private void callback(Runnable call) {
    inCallback = true;
    try {
      call.run();
    } finally {
      inCallback = false;
    }
  }

  private void moveTo(Phase target) {
    if (!phase.canMoveTo(target)) {
      throw new IllegalStateException("illegal move " + phase + " -> " + target + " in " + this);
    }
    phase = target;
  }

  private void interest(int ops) {
    if (ops != interest && key != null && key.isValid()) {
      key.interestOps(ops);
      interest = ops;
    }
  }

  private Duration timeoutFor(TlsContext context) {
    return setup.config().handshakeTimeoutFor(context);
  }

  private void armDeadline(long deadline, TlsContext context) {
    cancelTimer();
    Duration timeout = timeoutFor(context);
    timer =
        loop.at(
            deadline,
            () -> {
              if (phase.handshakePending()) {
                closeNow(CloseReason.TIMEOUT, timeoutFailure(context, timeout));
              }
            });
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }

  private IOException timeoutFailure(TlsContext context, Duration timeout) {
    String within = " did not finish within " + timeout.toMillis() + " ms";
    if (context == null || phase == Phase.CONNECTING) {
      return new SocketTimeoutException("connecting to " + Addresses.text(remote) + within);
    }
    return new TlsException(
        Status.SYSCALL,
        null,
        "the TLS handshake with " + Addresses.text(remote) + within + " (handshake deadline)",
        null);
  }

  private IOException connectFailure(IOException e) {
    ConnectException failure =
        new ConnectException("cannot connect to " + Addresses.text(remote) + ": " + e.getMessage());
    failure.initCause(e);
    return failure;
  }

  /** Why the engine failed: the STARTTLS guard's refusal first, else the engine's own. */
  private IOException failure() {
    if (guard != null && guard.refusal() != null) {
      return guard.refusal();
    }
    TlsException f = engine.failure();
    return f != null ? f : new IOException("the TLS engine failed with " + engine.status());
  }
}
