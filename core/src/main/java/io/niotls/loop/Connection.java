package io.niotls.loop;

import static java.nio.channels.SelectionKey.OP_CONNECT;
import static java.nio.channels.SelectionKey.OP_READ;
import static java.nio.channels.SelectionKey.OP_WRITE;

import io.niotls.context.TlsContext;
import io.niotls.engine.Status;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * One session's life on its loop: connect, handshake, data, STARTTLS, close. {@link SessionPhase}
 * says where it is and {@link #moveTo} is the only way on; {@link SessionIo} moves the bytes.
 *
 * <p>Threading: the {@link TlsSession} methods run on any thread and hand their work to the loop.
 * Everything else runs on the loop thread through {@link #entry}: one step, then flushing and
 * interest ops ({@link #afterEvent}); anything thrown closes the session. While the worker pool
 * runs the engine's delegated tasks, no step touches the engine.
 *
 * <p>Re-entrancy: handler callbacks run only from {@link #callback}, never inside a public method,
 * so a handler that writes, closes or upgrades from a callback is not called back before it
 * returns.
 */
final class Connection extends SessionHandle implements Registration {
  private static final System.Logger LOG = System.getLogger(Connection.class.getName());

  /** Reads per readiness event before other sessions get a turn. */
  private static final int READ_ROUNDS = 16;

  /** onWritable rounds in one event before yielding to other sessions. */
  private static final int WRITABLE_ROUNDS = 8;

  private final SessionHandler handler;
  private final SessionSetup setup;
  private final SessionListener listener;

  /** What a client-role handshake verifies and sends as SNI; null for accepted sessions. */
  private final String peerHost;

  private final int peerPort;
  private SessionIo io; // replaced only while connecting: a socket whose connect failed is spent
  private final CompletableFuture<TlsSession> opened = new CompletableFuture<>();

  // Loop-confined from here on.
  private SelectionKey key;
  private int interest;
  private Timers.Timer timer; // the handshake deadline, later the close timeout
  private Upgrade upgrade;
  private ByteBuffer delivering; // what onData is looking at, during the call
  private boolean inCallback;
  private boolean readWaitsForWrite; // a read returned WANT_WRITE (a post-handshake reply)
  private boolean initialHandshake; // a tls:// session whose first handshake has not ended
  private CloseReason closeReason;
  private Throwable closeCause;
  private Deque<InetSocketAddress> untried; // client side: the addresses not tried yet
  private Map<InetSocketAddress, IOException> refused; // and why the tried ones failed

  Connection(
      TlsEventLoop loop,
      SocketChannel channel,
      SessionHandler handler,
      SessionSetup setup,
      SessionListener listener,
      InetSocketAddress peer,
      String peerHost) {
    super(loop, setup.config().maxOutboundBytes(), peer);
    this.handler = Objects.requireNonNull(handler, "handler");
    this.setup = setup;
    this.listener = listener;
    this.peerHost = peerHost;
    this.peerPort = peer.getPort();
    this.io = new SessionIo(channel, outbound);
    this.initialHandshake = setup.context() != null;
  }

  // ---- start: loop thread ----

  /** Server side: the socket was accepted at {@code acceptedAt} (nanoTime). */
  void accepted(long acceptedAt) {
    entry(
        () -> {
          local = (InetSocketAddress) io.channel().getLocalAddress();
          key = loop.register(io.channel(), 0, this);
          if (setup.context() == null) {
            open();
          } else {
            armDeadline(acceptedAt, setup.context());
            beginHandshake(setup.context(), false);
          }
        });
  }

  /**
   * Client side: connects to the first of {@code addresses} that accepts, trying them in order;
   * open or failed by {@code deadline} (nanoTime), one deadline for all.
   */
  void connect(List<InetSocketAddress> addresses, long deadline) {
    entry(
        () -> {
          untried = new ArrayDeque<>(addresses);
          refused = new LinkedHashMap<>();
          timer = loop.at(deadline, this::deadlinePassed);
          dial();
        });
  }

  /** Connects to the next untried address; a failure moves on to the one after it. */
  private void dial() throws IOException {
    if (untried.isEmpty()) {
      throw new UnknownHostException(peerHost + " has no address to connect to");
    }
    remote = untried.poll();
    key = loop.register(io.channel(), 0, this);
    interest = 0;
    boolean done;
    try {
      done = io.channel().connect(remote);
    } catch (IOException e) {
      connectFailed(e);
      return;
    }
    if (done) {
      connected();
    } else {
      if (phase != SessionPhase.CONNECTING) {
        moveTo(SessionPhase.CONNECTING);
      }
      interest(OP_CONNECT);
    }
  }

  /** The connect to {@code remote} failed: the next address on a fresh socket, or the end. */
  private void connectFailed(IOException e) throws IOException {
    refused.put(remote, e);
    if (untried.isEmpty()) {
      throw Failures.connectFailed(peerHost, refused);
    }
    io.channel().close(); // closes its key too; nothing was queued on it before the connect
    io = new SessionIo(TlsClient.openSocket(setup.config()), outbound);
    dial();
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
    return io.channel();
  }

  // ---- the hand-over from SessionHandle ----

  @Override
  void submit(Step step) {
    try {
      loop.execute(() -> entry(step));
    } catch (RejectedExecutionException gone) {
      closeNow(CloseReason.LOCAL, null); // the loop has terminated, closing this already
    }
  }

  @Override
  boolean inCallback() {
    return inCallback;
  }

  @Override
  void enqueue(ByteBuffer bytes) {
    if (phase == SessionPhase.CLOSING
        || phase == SessionPhase.DRAINING
        || phase == SessionPhase.CLOSED) {
      outbound.release(bytes.remaining());
    } else {
      outbound.add(bytes);
    }
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
      io.rearm();
      step.run();
      afterEvent();
    } catch (Throwable t) {
      closeNow(CloseReason.of(t), t);
    }
  }

  /** Does what the phase needs now that the socket is ready for {@code ops}. */
  @Override
  void step(int ops) throws IOException {
    if (io.taskRunning()) {
      return;
    }
    switch (phase) {
      case CONNECTING -> finishConnect();
      case HANDSHAKING -> handshakeStep();
      case OPEN -> {
        if ((ops & OP_READ) != 0 || readWaitsForWrite && (ops & OP_WRITE) != 0) {
          pump();
        }
      }
      case UPGRADING -> upgradeStep();
      case CLOSING -> closeStep();
      case DRAINING -> pump();
      default -> {}
    }
  }

  private void afterEvent() throws IOException {
    if (phase != SessionPhase.OPEN || upgrade != null || io.taskRunning()) {
      return;
    }
    io.flush();
    int round = 0;
    while (phase == SessionPhase.OPEN && outbound.takeWritability()) {
      if (++round > WRITABLE_ROUNDS) {
        submit(() -> {}); // an application that keeps up with the socket: yield, then go on
        break;
      }
      callback(() -> handler.onWritable(this));
      io.flush();
    }
    if (phase == SessionPhase.OPEN) {
      int ops = autoRead ? OP_READ : 0;
      interest(io.pendingOutput() || readWaitsForWrite ? ops | OP_WRITE : ops);
    }
  }

  private void finishConnect() throws IOException {
    try {
      if (!io.channel().finishConnect()) {
        return;
      }
    } catch (IOException e) {
      connectFailed(e);
      return;
    }
    connected();
  }

  private void connected() throws IOException {
    local = (InetSocketAddress) io.channel().getLocalAddress();
    if (setup.context() == null) {
      open();
    } else {
      armDeadline(System.nanoTime(), setup.context()); // the connect's deadline is met
      beginHandshake(setup.context(), false);
    }
  }

  /** A plaintext session opens as soon as its socket is connected. */
  private void open() {
    cancelTimer();
    moveTo(SessionPhase.OPEN);
    callback(() -> handler.onOpen(this));
    opened.complete(this);
  }

  private void beginHandshake(TlsContext context, boolean startTls) throws IOException {
    String host = peerHost;
    if (host == null && context.isClient()) { // an accepted session upgrading as the client
      host = remote.getAddress().getHostAddress();
    }
    io.beginTls(context, startTls ? null : setup.protocols(), startTls, host, peerPort);
    moveTo(SessionPhase.HANDSHAKING);
    handshakeStep();
  }

  private void handshakeStep() throws IOException {
    switch (io.handshake()) {
      case OK -> established();
      case WANT_READ -> interest(OP_READ);
      case WANT_WRITE -> interest(OP_WRITE);
      default -> runTasks(); // WANT_TASK
    }
  }

  private void established() throws IOException {
    cancelTimer();
    info = io.session();
    moveTo(SessionPhase.OPEN);
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
    pump(); // the engine may already hold application data that no OP_READ will announce
  }

  /** The worker pool runs the engine's delegated tasks; the loop resumes the phase after. */
  private void runTasks() throws IOException {
    interest(0);
    io.runTasks(
        loop.group().workers(),
        failure ->
            submit(
                () -> {
                  if (failure != null) {
                    throw new IOException("a delegated TLS task failed: " + failure, failure);
                  }
                  step(OP_READ | OP_WRITE);
                }));
  }

  /**
   * Reads what is there and hands it to the handler, a loop buffer (for TLS, a record) at a time:
   * in OPEN, until the read would wait, autoRead is off, STARTTLS begins or the handler closes; in
   * DRAINING (our close_notify is out), the peer's last data until its close_notify, or a failure,
   * ends the wait.
   */
  private void pump() throws IOException {
    readWaitsForWrite = false;
    for (int round = 0; round < READ_ROUNDS; round++) {
      boolean draining = phase == SessionPhase.DRAINING;
      if (!draining
          && (phase != SessionPhase.OPEN || !autoRead || upgrade != null || io.taskRunning())) {
        return;
      }
      if (!draining && io.isTls() && io.pendingOutput() && !io.flush()) {
        // Replies to what was read wait for the socket: read on only once they are out, or a
        // close_notify up next would end the session with them unsent.
        readWaitsForWrite = true;
        return;
      }
      ByteBuffer buffer = loop.readBuffer();
      buffer.clear();
      Status stop = io.read(buffer);
      buffer.flip();
      if (buffer.hasRemaining()) {
        deliver(buffer);
      }
      switch (stop) {
        case OK -> {} // a record's data, or a full buffer: there may be more
        case WANT_READ -> {
          if (draining) {
            interest(OP_READ); // afterEvent sets interest for OPEN sessions only
          }
          return;
        }
        case WANT_WRITE -> {
          if (draining) {
            interest(OP_WRITE);
          } else {
            readWaitsForWrite = true;
          }
          return;
        }
        case WANT_TASK -> {
          runTasks();
          return;
        }
        case ZERO_RETURN -> {
          if (draining) {
            io.shutdown(); // the peer's close_notify: both are out
            closeNow(closeReason, closeCause);
          } else if (phase == SessionPhase.OPEN) {
            beginClose(io.isTls() ? CloseReason.CLOSE_NOTIFY : CloseReason.EOF, null);
          }
          return;
        }
        default -> {
          if (!draining) {
            throw io.failure();
          }
          io.shutdown(); // a failure ends the wait for the peer's close_notify too
          closeNow(closeReason, closeCause);
          return;
        }
      }
    }
    submit(() -> step(OP_READ)); // a fast peer: let the loop's other sessions have a turn
  }

  private void deliver(ByteBuffer data) throws IOException {
    delivering = data;
    try {
      callback(() -> handler.onData(this, data));
    } finally {
      delivering = null;
    }
    if (upgrade != null && phase == SessionPhase.OPEN) { // startTls() was called during onData
      if (data.hasRemaining()) {
        throw Failures.injection(
            data.remaining(), "in the same read as the STARTTLS exchange, after it");
      }
      beginUpgrade();
    }
  }

  // ---- STARTTLS: loop thread ----

  @Override
  void requestUpgrade(Upgrade u) {
    if (phase != SessionPhase.OPEN || io.isTls() || upgrade != null || closeRequested) {
      String why =
          io.isTls() || upgrade != null
              ? "the session already speaks TLS or is upgrading"
              : "the session is not open (" + phase + ")";
      u.future.completeExceptionally(new IllegalStateException("cannot startTls: " + why));
      return;
    }
    u.takePlaintext(outbound);
    upgrade = u;
    if (delivering == null) { // else deliver() checks what onData left, then begins
      submit(this::beginUpgrade);
    }
  }

  private void beginUpgrade() throws IOException {
    if (phase != SessionPhase.OPEN || upgrade == null) {
      return;
    }
    moveTo(SessionPhase.UPGRADING);
    armDeadline(System.nanoTime(), upgrade.context);
    upgradeStep();
  }

  /** Writes the plaintext queued before startTls(), then starts the handshake. */
  private void upgradeStep() throws IOException {
    if (upgrade.flush(io.channel(), outbound)) {
      beginHandshake(upgrade.context, true);
    } else {
      interest(OP_WRITE);
    }
  }

  // ---- closing: loop thread ----

  @Override
  void beginClose(CloseReason reason, Throwable cause) throws IOException {
    switch (phase) {
      case NEW, CONNECTING, UPGRADING -> closeNow(reason, cause);
      case HANDSHAKING -> {
        io.abortHandshake();
        closeNow(reason, cause);
      }
      case OPEN -> {
        moveTo(SessionPhase.CLOSING);
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
    if (io.taskRunning()) {
      return;
    }
    if (!io.flush()) {
      interest(OP_WRITE);
      return;
    }
    switch (io.shutdown()) {
      case SENT -> {
        moveTo(SessionPhase.DRAINING);
        pump();
      }
      case WANT_READ -> interest(OP_READ);
      case WANT_WRITE -> interest(OP_WRITE);
      case WANT_TASK -> runTasks();
      default -> closeNow(closeReason, closeCause); // DONE
    }
  }

  /** Closes the socket and frees the engine now, then tells the handler and the futures. */
  private void closeNow(CloseReason reason, Throwable cause) {
    synchronized (this) { // only a terminated loop's stragglers can race the loop here
      if (phase == SessionPhase.CLOSED) {
        return;
      }
      moveTo(SessionPhase.CLOSED);
    }
    cancelTimer();
    if (reason == CloseReason.CLOSE_NOTIFY) {
      long lost = io.discarded() + outbound.queued();
      if (lost > 0) {
        unsent = lost;
        reason = CloseReason.CLOSE_NOTIFY_UNSENT;
        cause = Failures.unsent(remote, lost);
      }
    }
    io.close();
    if (initialHandshake) {
      initialHandshake = false;
      listener.handshakeEnded(this, false);
    }
    try {
      handler.onClosed(this, reason, cause);
    } catch (Throwable t) {
      LOG.log(System.Logger.Level.WARNING, "onClosed of " + this + " threw", t);
    }
    if (!opened.isDone() || upgrade != null) {
      // Only a future still waiting needs the why: an exception per ordinary close (its stack
      // trace filled in for nobody) cost a busy server several microseconds per connection.
      Throwable why =
          cause != null ? cause : new IOException("the session closed (" + reason + ") first");
      opened.completeExceptionally(why);
      if (upgrade != null) {
        upgrade.future.completeExceptionally(why);
      }
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

  private void moveTo(SessionPhase target) {
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

  /** The handshake deadline, counted from {@code start} (nanoTime). */
  private void armDeadline(long start, TlsContext context) {
    cancelTimer();
    timer = loop.at(start + timeout(context).toNanos(), this::deadlinePassed);
  }

  private void deadlinePassed() {
    if (phase.handshakePending()) {
      closeNow(CloseReason.TIMEOUT, timeoutFailure());
    }
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }

  private static Duration timeout(TlsContext context) {
    return context.handshakeTimeout();
  }

  private IOException timeoutFailure() {
    TlsContext context = upgrade != null ? upgrade.context : setup.context();
    return context == null || phase == SessionPhase.CONNECTING || phase == SessionPhase.NEW
        ? Failures.connectTimeout(remote, setup.config().connectTimeout(), refused)
        : Failures.handshakeTimeout(remote, timeout(context));
  }
}
