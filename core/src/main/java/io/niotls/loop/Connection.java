package io.niotls.loop;

import static java.nio.channels.SelectionKey.OP_CONNECT;
import static java.nio.channels.SelectionKey.OP_READ;
import static java.nio.channels.SelectionKey.OP_WRITE;

import io.niotls.context.TlsContext;
import io.niotls.engine.Status;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * One session's life on its loop: connect, handshake, the read pump, STARTTLS, close. {@link
 * SessionPhase} says where it is and {@link #moveTo} is the only way on; the rest of its state has
 * a type each, all confined to the loop thread: the client's {@link Dialer}, the one {@link
 * Deadline} running, the {@link ReadPump}, a STARTTLS {@link Upgrade}, the {@link CloseIntent} of a
 * graceful close, the {@link HandlerCalls}. {@link SessionIo} moves the bytes.
 *
 * <p>Threading: the {@link TlsSession} methods run on any thread and hand their work to the loop.
 * Everything else runs on the loop thread through {@link #entry}: one step, then flushing and
 * interest ops ({@link #afterEvent}); anything thrown closes the session. While the worker pool
 * runs the engine's delegated tasks, no step touches the engine.
 *
 * <p>Re-entrancy: handler callbacks run only from {@link HandlerCalls}, never inside a public
 * method, so a handler that writes, closes or upgrades from a callback is not called back before it
 * returns.
 *
 * <p>Why it is longer than the project's 400 lines: it is the session's state machine and nothing
 * else — every method is one phase's step or one transition, and each reads against its neighbours
 * (a close that begins during a handshake, a STARTTLS that ends in a close). What is not sequencing
 * lives in the types above; splitting the steps themselves would hand the phase to several owners,
 * which is what the review that introduced {@link SessionPhase} removed.
 */
final class Connection extends SessionHandle implements Registration, ReadPump.Reader {
  /** onWritable rounds in one event before yielding to other sessions. */
  private static final int WRITABLE_ROUNDS = 8;

  private final HandlerCalls calls;
  private final SessionSetup setup;
  private final SessionListener listener;

  /** What a client-role handshake verifies and sends as SNI; null for accepted sessions. */
  private final String peerHost;

  private final int peerPort;
  private final CompletableFuture<TlsSession> opened = new CompletableFuture<>();
  private final ReadPump reads = new ReadPump();
  private SessionIo io; // replaced only while connecting: a socket whose connect failed is spent

  // Loop-confined from here on.
  private Dialer dialer; // a client's, from its connect call on
  private Deadline deadline; // the connect's, a handshake's or the close's; null when none runs
  private Upgrade upgrade; // STARTTLS, from the request to the end of its handshake
  private Downgrade downgrade; // stopTls, from the request until the session speaks plaintext
  private CloseIntent closing; // how a graceful close ends, from its start on
  private final SessionLimits limits; // null when no idle, lifetime or stall limit is set
  private CloseReason endedBy; // set as it closes
  private TlsContext tls; // the context of its TLS (tls://, or a STARTTLS); null while plaintext
  private long handshakeSince; // nanoTime of the accept or connect its first handshake counts from
  private long handshakeTime; // how long the first handshake took, once it has

  Connection(
      TlsEventLoop loop,
      SocketChannel channel,
      SessionHandler handler,
      SessionSetup setup,
      SessionListener listener,
      InetSocketAddress peer,
      String peerHost) {
    super(loop, setup.config().maxOutboundBytes(), peer);
    this.calls = new HandlerCalls(Objects.requireNonNull(handler, "handler"));
    this.setup = setup;
    this.listener = listener;
    this.peerHost = peerHost;
    this.peerPort = peer.getPort();
    this.io = new SessionIo(channel, outbound, setup.config().limits().any());
    SessionLimits l = setup.config().limits();
    this.limits = l.any() ? l : null;
  }

  /** The limits its loop's {@link IdleWatch} watches once it is open; null when none is set. */
  SessionLimits limits() {
    return limits;
  }

  /** A limit of {@link IdleWatch} passed: close_notify for idle and lifetime, now for a stall. */
  void limitPassed(CloseIntent intent, boolean atOnce) {
    if (atOnce) {
      closeNow(intent);
    } else {
      entry(() -> beginClose(intent));
    }
  }

  // ---- the state machine: loop thread ----

  /** Runs one step, then flushes and sets interest; any failure closes the session. */
  private void entry(Step step) {
    try {
      io.rearm();
      step.run();
      afterEvent();
    } catch (Throwable t) {
      closeNow(CloseIntent.failure(t));
    }
  }

  /** Does what the phase needs now that the socket is ready for {@code ops}. */
  @Override
  void step(int ops) throws IOException {
    if (io.taskRunning()) {
      return;
    }
    switch (phase) {
      case CONNECTING -> dialed(dialer.finish(io.channel()));
      case HANDSHAKING -> handshakeStep();
      case OPEN -> {
        if ((ops & OP_READ) != 0 || reads.waitsForWrite() && (ops & OP_WRITE) != 0) {
          pump();
        }
      }
      case UPGRADING -> upgradeStep();
      case STOPPING -> stopStep();
      case CLOSING -> closeStep();
      case DRAINING -> pump();
      default -> {}
    }
  }

  /** An open session: flushes, lets the handler write while the queue has room, sets interest. */
  private void afterEvent() throws IOException {
    if (phase != SessionPhase.OPEN || upgrade != null || downgrade != null || io.taskRunning()) {
      return; // a stopTls asked for: what is queued now waits to go out as plaintext
    }
    io.flush();
    for (int round = 0; phase == SessionPhase.OPEN && outbound.writable(); round++) {
      if (round == WRITABLE_ROUNDS) {
        // An application that keeps up with the socket: the loop's other sessions' turn, then
        // this one's again. The writability stays untaken, for the handler to hear then.
        submit(() -> {});
        break;
      }
      outbound.takeWritability();
      calls.onWritable(this);
      io.flush();
    }
    if (phase == SessionPhase.OPEN) {
      boolean waiting = io.pendingOutput();
      int ops = autoRead ? OP_READ : 0;
      io.interest(waiting || reads.waitsForWrite() ? ops | OP_WRITE : ops);
      if (limits != null) {
        loop.idleWatch().outputWaiting(io.activity(), waiting);
      }
    }
  }

  // ---- connect: loop thread ----

  /** Server side: the socket was accepted at {@code acceptedAt} (nanoTime). */
  void accepted(long acceptedAt) {
    entry(
        () -> {
          io.register(loop, this);
          connected(acceptedAt);
        });
  }

  /**
   * Client side: connects to the first of {@code addresses} that accepts, trying them in order;
   * open or failed by {@code by} (nanoTime), one deadline for all.
   */
  void connect(List<InetSocketAddress> addresses, long by) {
    entry(
        () -> {
          dialer = new Dialer(peerHost, addresses, setup.config(), this::dialing);
          deadline = Deadline.connect(loop, by, dialer, this::deadlinePassed);
          dialed(dialer.dial(io.channel()));
        });
  }

  /** The dialer connects {@code channel} to {@code address}: a fresh socket after a failure. */
  private void dialing(SocketChannel channel, InetSocketAddress address) throws IOException {
    if (channel != io.channel()) {
      io = new SessionIo(channel, outbound, limits != null); // the failed connect's is spent
    }
    remote = address;
    io.register(loop, this);
  }

  /** The connect is {@code done}, or under way: OP_CONNECT then says how it went. */
  private void dialed(boolean done) throws IOException {
    if (done) {
      connected(System.nanoTime()); // the connect's deadline is met
    } else {
      if (phase != SessionPhase.CONNECTING) {
        moveTo(SessionPhase.CONNECTING);
      }
      io.interest(OP_CONNECT);
    }
  }

  /** Connected (or accepted) {@code since} (nanoTime): open, or the handshake from then on. */
  private void connected(long since) throws IOException {
    local = (InetSocketAddress) io.channel().getLocalAddress();
    if (setup.context() == null) {
      open();
    } else {
      handshakeSince = since;
      handshakeDeadline(since, setup.context());
      beginHandshake(setup.context(), false);
    }
  }

  /** A plaintext session opens as soon as its socket is connected. */
  private void open() {
    cancelDeadline();
    moveTo(SessionPhase.OPEN);
    startLimits();
    calls.onOpen(this);
    opened.complete(this);
  }

  /** The connect never started (name lookup failed, loop gone): close and report. */
  void abort(Throwable cause) {
    closeNow(new CloseIntent(CloseReason.ERROR, cause));
  }

  CompletableFuture<TlsSession> openFuture() {
    return opened;
  }

  /** The socket, for tests of its options. */
  SocketChannel socket() {
    return io.channel();
  }

  // ---- handshake: loop thread ----

  private void beginHandshake(TlsContext context, boolean startTls) throws IOException {
    tls = context;
    String host = peerHost;
    if (host == null && context.isClient()) { // an accepted session upgrading as the client
      host = remote.getAddress().getHostAddress();
    }
    if (!startTls && setup.sni() != null) {
      io.beginTls(setup.sni(), setup::protocolsFor); // the ClientHello chooses the context
    } else {
      io.beginTls(context, startTls ? null : setup.protocols(), startTls, host, peerPort);
    }
    moveTo(SessionPhase.HANDSHAKING);
    handshakeStep();
  }

  private void handshakeStep() throws IOException {
    switch (io.handshake()) {
      case OK -> established();
      case WANT_READ -> io.interest(OP_READ);
      case WANT_WRITE -> io.interest(OP_WRITE);
      default -> runTasks(); // WANT_TASK
    }
  }

  private void established() throws IOException {
    cancelDeadline();
    info = io.session();
    moveTo(SessionPhase.OPEN);
    Upgrade u = upgrade;
    upgrade = null;
    if (u != null) {
      u.future.complete(this);
    } else {
      // The session's own handshake, so its first: a tls:// session never upgrades.
      startLimits();
      handshakeTime = System.nanoTime() - handshakeSince;
      listener.handshakeEnded(this, null);
      calls.onOpen(this);
      opened.complete(this);
    }
    pump(); // the engine may already hold application data that no OP_READ will announce
  }

  /** The worker pool runs the engine's delegated tasks; the loop resumes the phase after. */
  private void runTasks() throws IOException {
    io.interest(0);
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

  // ---- the read pump: loop thread ----

  /** Reads what is there (see {@link ReadPump}) and acts on what stopped the reading. */
  private void pump() throws IOException {
    // Our close_notify is out (closing, or stopTls): replies no longer wait, the peer's last data
    // is read until its close_notify.
    boolean draining = phase == SessionPhase.DRAINING || phase == SessionPhase.STOPPING;
    ReadPump.Stop stop = reads.pump(io, loop.readBuffer(), draining, this);
    switch (stop) {
      case PAUSED -> {}
      case YIELD -> submit(() -> step(OP_READ)); // a fast peer: the loop's other sessions' turn
      case WANT_READ -> {
        if (draining) {
          io.interest(OP_READ); // afterEvent sets interest for OPEN sessions only
        }
      }
      case WANT_WRITE -> {
        if (draining) {
          io.interest(OP_WRITE); // an open session's read waits for the write (afterEvent)
        }
      }
      case WANT_TASK -> runTasks();
      case PEER_CLOSED, FAILED -> {
        if (phase == SessionPhase.STOPPING) {
          if (stop == ReadPump.Stop.FAILED) {
            failStop(io.failure());
          } else {
            downgrade.peerClosed();
            stopStep();
          }
        } else if (draining) {
          io.shutdown(); // the peer's close_notify, or a failure: the wait for it ends
          closeNow(closing);
        } else if (stop == ReadPump.Stop.FAILED) {
          throw io.failure();
        } else if (phase == SessionPhase.OPEN) {
          beginClose(CloseIntent.of(io.isTls() ? CloseReason.CLOSE_NOTIFY : CloseReason.EOF));
        }
      }
    }
  }

  /**
   * Open and free to read (autoRead on, no STARTTLS or stopTls asked for, no task running), or
   * reading the peer's last data after our close_notify (draining, stopping).
   */
  @Override
  public boolean reading() {
    return phase == SessionPhase.DRAINING
        || phase == SessionPhase.STOPPING
        || phase == SessionPhase.OPEN
            && autoRead
            && upgrade == null
            && downgrade == null
            && !io.taskRunning();
  }

  @Override
  public void deliver(ByteBuffer data) throws IOException {
    calls.onData(this, data);
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
    if (!isOpen() || io.isTls() || upgrade != null) {
      String why =
          io.isTls() || upgrade != null
              ? "the session already speaks TLS or is upgrading"
              : "the session is not open (" + phase + ")";
      u.future.completeExceptionally(new IllegalStateException("cannot startTls: " + why));
      return;
    }
    u.takePlaintext(outbound);
    upgrade = u;
    if (!reads.delivering()) { // else deliver() checks what onData left, then begins
      submit(this::beginUpgrade);
    }
  }

  private void beginUpgrade() throws IOException {
    if (phase != SessionPhase.OPEN || upgrade == null) {
      return;
    }
    moveTo(SessionPhase.UPGRADING);
    handshakeDeadline(System.nanoTime(), upgrade.context);
    upgradeStep();
  }

  /** Writes the plaintext queued before startTls(), then starts the handshake. */
  private void upgradeStep() throws IOException {
    if (upgrade.flush(io.channel(), outbound)) {
      beginHandshake(upgrade.context, true);
    } else {
      io.interest(OP_WRITE);
    }
  }

  // ---- stopTls: loop thread ----

  @Override
  void requestStop(Downgrade d) {
    if (!isOpen() || !io.isTls() || upgrade != null || downgrade != null) {
      String why =
          upgrade != null || downgrade != null
              ? "a startTls or stopTls is under way"
              : !isOpen()
                  ? "the session is not open (" + phase + ")"
                  : "the session speaks plaintext";
      d.future.completeExceptionally(new IllegalStateException("cannot stopTls: " + why));
      return;
    }
    d.takeTlsBytes(outbound);
    downgrade = d; // reading() stops here: nothing more is read as TLS before the stop begins
    submit(this::beginStop);
  }

  private void beginStop() throws IOException {
    if (phase != SessionPhase.OPEN || downgrade == null) {
      return;
    }
    moveTo(SessionPhase.STOPPING);
    cancelDeadline();
    IOException late = Downgrade.timedOut(remote, tls.closeTimeout());
    deadline =
        Deadline.close(loop, tls.closeTimeout(), CloseIntent.timeout(late), this::deadlinePassed);
    stopStep();
  }

  /**
   * The TLS bytes queued before stopTls(), then our close_notify, then the peer's last data until
   * its close_notify (the pump), then plaintext.
   */
  private void stopStep() throws IOException {
    if (io.taskRunning()) {
      return;
    }
    if (downgrade.awaitingPeer()) {
      pump(); // its PEER_CLOSED comes back here
      return;
    }
    if (!io.flushTls(downgrade.tlsBytes())) {
      io.interest(OP_WRITE);
      return;
    }
    Status s = io.stopTls();
    switch (s) {
      case WANT_WRITE -> {
        if (downgrade.peerCloseRead()) {
          io.interest(OP_WRITE); // only our close_notify is left to write: then DONE
        } else {
          // Our close_notify is queued (nothing else was: the TLS bytes are out): asking
          // shutdown() again would read and discard the peer's last data. The pump's reads write
          // the rest of it first, and say WANT_WRITE while the socket is full.
          downgrade.sent();
          pump();
        }
      }
      case SENT -> {
        downgrade.sent();
        pump();
      }
      case DONE -> stopped();
      case WANT_READ -> shutdownWantsRead();
      case WANT_TASK -> runTasks();
      default -> failStop(io.failure());
    }
  }

  /** Close_notify went both ways: the session is open again, as plaintext. */
  private void stopped() throws IOException {
    cancelDeadline();
    ByteBuffer rest = io.endTls();
    tls = null;
    info = null;
    Downgrade d = downgrade;
    downgrade = null;
    moveTo(SessionPhase.OPEN);
    d.future.complete(this);
    if (rest.hasRemaining()) {
      deliver(rest); // what the peer sent right behind its close_notify: its first plaintext
    }
    if (d.closeAfter() != null && phase == SessionPhase.OPEN) {
      beginClose(d.closeAfter()); // asked for during the stop: what is queued goes out first
      return;
    }
    pump(); // more may wait in the socket, read ahead of no OP_READ
  }

  /** The TLS connection failed during the stop: the future hears why in words, then it closes. */
  private void failStop(IOException failure) {
    downgrade.future.completeExceptionally(Downgrade.refused(failure));
    closeNow(CloseIntent.failure(failure));
  }

  // ---- close: loop thread ----

  @Override
  void beginClose(CloseIntent intent) throws IOException {
    switch (phase) {
      case NEW, CONNECTING, UPGRADING -> closeNow(intent);
      case STOPPING -> downgrade.closeAfter(intent); // the stop's deadline bounds the wait
      case HANDSHAKING -> {
        io.abortHandshake();
        closeNow(intent);
      }
      case OPEN -> {
        if (downgrade != null) { // a stopTls asked for, not begun: close instead, in order
          downgrade.giveBack(outbound);
        }
        moveTo(SessionPhase.CLOSING);
        stopLimits();
        closing = intent;
        cancelDeadline();
        deadline =
            Deadline.close(
                loop,
                tls == null ? TlsContext.DEFAULT_CLOSE_TIMEOUT : tls.closeTimeout(),
                closing,
                this::deadlinePassed);
        closeStep();
      }
      default -> {}
    }
  }

  /** Queued data first, then close_notify, then the peer's (or the close deadline). */
  private void closeStep() throws IOException {
    if (io.taskRunning()) {
      return;
    }
    if (!io.flush()) {
      io.interest(OP_WRITE);
      return;
    }
    switch (io.shutdown()) {
      case SENT -> {
        moveTo(SessionPhase.DRAINING);
        pump();
      }
      case WANT_READ -> shutdownWantsRead();
      case WANT_WRITE -> io.interest(OP_WRITE);
      case WANT_TASK -> runTasks();
      default -> closeNow(closing); // DONE
    }
  }

  /**
   * The engine's shutdown() (a close's or a stopTls's) waits to read: readable goes on, and so does
   * a timer when it is a TLS 1.3 client waiting for the server's tickets before its close_notify,
   * which a server without tickets never ends (a few ms at most).
   */
  private void shutdownWantsRead() {
    io.interest(OP_READ);
    long ticketsBy = io.ticketWaitEnds();
    if (ticketsBy != 0) {
      SessionPhase waiting = phase;
      loop.at(ticketsBy, () -> entry(() -> ticketWaitPassed(waiting)));
    }
  }

  /** The wait for a server's session tickets ended: the close goes on (close_notify now). */
  private void ticketWaitPassed(SessionPhase waiting) throws IOException {
    if (phase != waiting) {
      return; // readable brought the tickets, or the session closed meanwhile
    }
    if (phase == SessionPhase.CLOSING) {
      closeStep();
    } else if (phase == SessionPhase.STOPPING) {
      stopStep();
    }
  }

  /** Closes the socket and frees the engine now, then tells the handler and the futures. */
  private void closeNow(CloseIntent end) {
    boolean firstHandshake;
    synchronized (this) { // only a terminated loop's stragglers can race the loop here
      if (phase == SessionPhase.CLOSED) {
        return;
      }
      // A tls:// session never upgrades: a handshake still due is its first.
      firstHandshake = setup.context() != null && phase.handshakePending();
      moveTo(SessionPhase.CLOSED);
    }
    cancelDeadline();
    stopLimits();
    if (end.reason() == CloseReason.CLOSE_NOTIFY) {
      unsent = io.discarded() + outbound.queued();
      end = end.unsent(unsent, remote);
    }
    io.close();
    if (firstHandshake) {
      listener.handshakeEnded(this, end);
    }
    endedBy = end.reason();
    calls.onClosed(this, end);
    if (!opened.isDone() || upgrade != null || downgrade != null) {
      Throwable why = end.why(); // made only when a future waits for it
      opened.completeExceptionally(why);
      if (upgrade != null) {
        upgrade.future.completeExceptionally(why);
      }
      if (downgrade != null) {
        downgrade.future.completeExceptionally(why);
      }
    }
    closed.complete(null);
    listener.closed(this);
  }

  // ---- deadlines: loop thread ----

  /** The handshake's deadline, counted from {@code start} (nanoTime), replaces the one running. */
  private void handshakeDeadline(long start, TlsContext context) {
    cancelDeadline();
    deadline = Deadline.handshake(loop, start, context.handshakeTimeout(), this::deadlinePassed);
  }

  private void deadlinePassed(Deadline passed) {
    if (passed.kind() == Deadline.Kind.CLOSE || phase.handshakePending()) {
      closeNow(passed.passed(remote));
    }
  }

  /**
   * The session is open: its idle, lifetime and stall limits run from now (a STARTTLS keeps them).
   */
  private void startLimits() {
    if (limits != null) {
      loop.idleWatch().start(this, io.activity());
    }
  }

  private void stopLimits() {
    if (limits != null) {
      loop.idleWatch().stop(io.activity());
    }
  }

  private void cancelDeadline() {
    if (deadline != null) {
      deadline.cancel();
      deadline = null;
    }
  }

  // ---- the hand-over from SessionHandle and the loop (Registration) ----

  @Override
  void submit(Step step) {
    try {
      loop.execute(() -> entry(step));
    } catch (RejectedExecutionException gone) {
      closeNow(CloseIntent.LOCAL); // the loop has terminated, closing this already
    }
  }

  @Override
  boolean inCallback() {
    return calls.running();
  }

  @Override
  public void ready(int readyOps) {
    entry(() -> step(readyOps));
  }

  @Override
  public void shutdown() {
    entry(() -> beginClose(CloseIntent.LOCAL));
  }

  @Override
  public void forceClose() {
    closeNow(CloseIntent.LOCAL);
  }

  // ---- helpers: loop thread ----

  /** How long its first handshake took, from accept or connect, in nanoseconds; 0 before. */
  long handshakeNanos() {
    return handshakeTime;
  }

  /** Ciphertext (or plaintext, for tcp://) bytes its socket read and wrote. */
  Activity activity() {
    return io.activity();
  }

  /** Why it closed; null while it has not. */
  CloseReason endedBy() {
    return endedBy;
  }

  private void moveTo(SessionPhase target) {
    if (!phase.canMoveTo(target)) {
      throw new IllegalStateException("illegal move " + phase + " -> " + target + " in " + this);
    }
    phase = target;
  }
}
