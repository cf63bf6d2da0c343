package io.niotls.channel;

import io.niotls.context.TlsConfigException;
import io.niotls.context.TlsContext;
import io.niotls.engine.SessionInfo;
import io.niotls.engine.Status;
import io.niotls.engine.TlsEngine;
import io.niotls.engine.TlsException;
import io.niotls.transport.MemoryTransport;
import io.niotls.wire.TlsRecords;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * TLS over a {@link ByteChannel} the application drives itself, usually a connected {@link
 * java.nio.channels.SocketChannel}: plaintext goes in through {@link #write} and comes out of
 * {@link #read}, ciphertext travels on the channel underneath. One {@link TlsEngine} does the TLS,
 * the same as the selector loop's and the Netty adapter's.
 *
 * <p><b>Blocking mode</b> (the channel underneath is blocking, or is not a {@link
 * SelectableChannel}): {@link #handshake()}, {@link #read}, {@link #write} and {@link #shutdown()}
 * block until done, like OpenSSL's calls on a blocking BIO. This is the intended use on virtual
 * threads: one blocking {@code TlsChannel} per virtual thread. No blocking socket call is made
 * inside a monitor, so a virtual thread blocked here does not pin its carrier. {@link
 * java.nio.channels.Channels#newInputStream} and {@link java.nio.channels.Channels#newOutputStream}
 * work on it.
 *
 * <p><b>Non-blocking mode</b> (the channel underneath is a non-blocking {@link SelectableChannel}):
 * every call does what it can without blocking. {@link #read} and {@link #write} return 0 and
 * {@link #handshake()} and {@link #shutdown()} return false when they could not go on; {@link
 * #needs()} then says what to wait for: {@link Status#WANT_READ} (register the channel for {@link
 * SelectionKey#OP_READ}) or {@link Status#WANT_WRITE} (for {@link SelectionKey#OP_WRITE}; then call
 * {@link #flush()} or the same call again), as the engine's own vocabulary says. {@link
 * #interestOps()} gives the same as selection key operations. A write may take plaintext and keep
 * its ciphertext until the socket is writable: it counts the bytes it took, and {@link #needs()}
 * says WANT_WRITE until the ciphertext is out. Delegated tasks run on the calling thread in both
 * modes. The mode is read from the channel at every call.
 *
 * <p><b>Reading and the end.</b> The peer's close_notify makes {@link #read} return -1. A stream
 * that ends without close_notify is a truncation: {@link #read} throws a {@link TlsException} of
 * kind {@link TlsException.Kind#TRUNCATED}, never -1. A failed connection keeps throwing the same
 * {@link TlsException}.
 *
 * <p><b>Deadlines.</b> The handshake must finish within the context's {@link
 * TlsContext#handshakeTimeout()}, counted from the first call that drives it. In blocking mode a
 * watchdog closes the channel underneath when it passes (a blocking {@code SocketChannel} honours
 * no socket timeout), and the call throws a {@link TlsException} of kind {@link
 * TlsException.Kind#TIMEOUT} naming the deadline. In non-blocking mode the deadline is checked at
 * every call; a selector loop should also wake up for it ({@link #handshakeDeadline()}). {@link
 * #close()} waits at most {@link #CLOSE_TIMEOUT} to send close_notify.
 *
 * <p><b>Threads.</b> Like a {@code SocketChannel}: one thread may read while another writes, and
 * neither waits for the other's socket I/O: a read blocked on the socket does not hold up a write.
 * Reads are serialized among themselves, and so are writes; {@link #close()} may be called from any
 * thread and makes a read or write blocked on the socket end with the socket's {@link
 * java.nio.channels.AsynchronousCloseException}. Inside, five locks, always taken in this order:
 * the handshake's, the reader's (reads, and the socket's inbound side), the writer's (writes and
 * shutdown, and so one writer at a time), the socket's outbound side, and the engine's. The engine
 * is not thread-safe, so every engine call holds the engine's lock, which is never held across
 * socket I/O. The handshake holds the first three, so reads and writes wait for it (on the
 * handshake's lock: never on a read blocked on the socket). Ciphertext a read makes (a KeyUpdate
 * reply, an alert) is sent by the reader only when no writer is sending, else by that writer before
 * it lets go of the socket, so a reader never waits for a writer stuck on a full socket.
 *
 * <p><b>How it drives the engine.</b> The engine runs over a {@link MemoryTransport} that this
 * class feeds and drains: when the engine says WANT_READ this class reads the channel (blocking or
 * not, as the channel is) and lends the bytes to the engine; whatever ciphertext the engine wrote
 * is then drained to the channel. The engine itself never blocks and never sees the socket; where
 * to block is decided here, per direction. Each write encrypts at most {@value #WRITE_CHUNK} bytes
 * at a time, so the ciphertext waiting for the socket stays bounded.
 */
public final class TlsChannel implements ByteChannel, GatheringByteChannel, ScatteringByteChannel {
  /** How long {@link #close()} may take to send close_notify before it closes the socket anyway. */
  public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(3);

  /** Plaintext encrypted per engine call: four full records. */
  static final int WRITE_CHUNK = 4 * TlsRecords.MAX_PLAINTEXT_BODY;

  private final ByteChannel channel;
  private final TlsContext context;
  private final MemoryTransport transport;
  private final TlsEngine engine;

  private final ReentrantLock handshakeLock = new ReentrantLock();
  private final ReentrantLock readerLock = new ReentrantLock();
  private final ReentrantLock writerLock = new ReentrantLock();
  private final ReentrantLock outLock = new ReentrantLock();
  private final Object engineLock = new Object();

  private final ByteBuffer netIn; // readerLock; write mode: read from the channel, not yet lent
  private final ByteBuffer netOut; // outLock; read mode: drained from the engine, not yet written

  private boolean inputEnded; // readerLock: the channel said end of stream
  private boolean outputShut; // writerLock: our close_notify is queued
  private volatile long deadline; // the handshake's, in nanoTime; set (handshakeLock) at its start
  private volatile boolean deadlineSet;
  private volatile boolean handshaken;
  private volatile TlsException timedOut; // the handshake deadline passed: every call says so
  private volatile boolean netOutPending;
  private volatile Status lastNeed = Status.OK;
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile boolean closed; // the engine is freed: only under engineLock once set

  private TlsChannel(TlsContext context, ByteChannel channel, String host, int port) {
    this.channel = Objects.requireNonNull(channel, "channel");
    this.context = Objects.requireNonNull(context, "context");
    this.transport = new MemoryTransport(context.bufferPool());
    this.engine =
        context.isClient()
            ? TlsEngine.client(context, transport, host, port)
            : TlsEngine.server(context, transport);
    this.netIn = ByteBuffer.allocate(TlsRecords.MAX_RECORD);
    this.netOut = ByteBuffer.allocate(2 * TlsRecords.MAX_RECORD).flip();
  }

  /**
   * A client over a connected channel. {@code host} is sent as SNI (unless an IP literal or
   * overridden in the context) and the server's certificate is verified against it; {@code host}
   * and {@code port} also key the session cache for resumption. Nothing is sent until the first
   * call.
   *
   * @throws TlsConfigException when {@code context} is not a client context
   */
  public static TlsChannel client(TlsContext context, ByteChannel channel, String host, int port) {
    if (!context.isClient()) {
      throw new TlsConfigException(
          "TlsChannel.client needs a client context (TlsContext.forClient()), not a server one");
    }
    return new TlsChannel(context, channel, Objects.requireNonNull(host, "host"), port);
  }

  /**
   * A server over an accepted channel. Nothing is read until the first call.
   *
   * @throws TlsConfigException when {@code context} is not a server context
   */
  public static TlsChannel server(TlsContext context, ByteChannel channel) {
    if (context.isClient()) {
      throw new TlsConfigException(
          "TlsChannel.server needs a server context (TlsContext.forServer(...)), not a client one");
    }
    return new TlsChannel(context, channel, null, -1);
  }

  /**
   * Drives the handshake. Optional: the first {@link #read} or {@link #write} drives it too.
   *
   * @return true once it is complete (always, in blocking mode); false in non-blocking mode when it
   *     waits for the socket ({@link #needs()})
   * @throws TlsException when it fails or its deadline passes
   */
  public boolean handshake() throws IOException {
    if (handshaken) {
      return true;
    }
    // Waiting here, not on the reader's lock: once the handshake is done a reader holds that lock
    // while it blocks on the socket, and a writer that had been waiting for the handshake must not
    // wait for that read too.
    handshakeLock.lock();
    try {
      if (handshaken) {
        return true;
      }
      readerLock.lock();
      try {
        writerLock.lock();
        try {
          ensureOpen();
          if (!deadlineSet) {
            deadline = System.nanoTime() + context.handshakeTimeout().toNanos();
            deadlineSet = true;
          }
          return blocking() ? blockingHandshake() : driveHandshake(false);
        } finally {
          writerLock.unlock();
        }
      } finally {
        readerLock.unlock();
      }
    } finally {
      handshakeLock.unlock();
    }
  }

  private boolean blockingHandshake() throws IOException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw timeout(null);
    }
    AtomicBoolean expired = new AtomicBoolean();
    Future<?> watchdog =
        Watchdog.after(
            Duration.ofNanos(left),
            () -> {
              expired.set(true);
              closeChannelQuietly();
            });
    try {
      driveHandshake(true);
    } catch (IOException e) {
      if (expired.get()) {
        throw timeout(e);
      }
      throw e;
    } finally {
      watchdog.cancel(false);
    }
    if (expired.get()) {
      throw timeout(null); // it passed as the handshake finished: the channel is closed
    }
    return true;
  }

  /** The handshake loop; readerLock and writerLock held. */
  private boolean driveHandshake(boolean blocking) throws IOException {
    if (!blocking && System.nanoTime() - deadline >= 0) {
      throw timeout(null);
    }
    while (true) {
      if (!flush(blocking, true)) {
        return waitFor(Status.WANT_WRITE);
      }
      Status s;
      synchronized (engineLock) {
        ensureOpenLocked();
        boolean lent = lendInput();
        try {
          s = engine.handshake();
        } finally {
          returnInput(lent);
        }
      }
      switch (s) {
        case OK:
          if (!flush(blocking, true)) {
            return waitFor(Status.WANT_WRITE);
          }
          handshaken = true;
          lastNeed = Status.OK;
          return true;
        case WANT_TASK:
          runTasks();
          break;
        case WANT_WRITE:
          break; // the flush at the top
        case WANT_READ:
          if (!flush(blocking, true)) {
            return waitFor(Status.WANT_WRITE);
          }
          if (!fill()) {
            return waitFor(Status.WANT_READ);
          }
          break;
        default:
          throw failed(blocking, true);
      }
    }
  }

  /**
   * Reads decrypted bytes into {@code dst}, driving the handshake first if needed.
   *
   * @return bytes read; -1 after the peer's close_notify; 0 when {@code dst} has no room, or in
   *     non-blocking mode when nothing can be read now ({@link #needs()})
   * @throws TlsException of kind TRUNCATED when the stream ends without close_notify, or the
   *     connection's failure
   */
  @Override
  public int read(ByteBuffer dst) throws IOException {
    if (!handshake()) {
      return 0;
    }
    readerLock.lock();
    try {
      return readLocked(dst, blocking());
    } finally {
      readerLock.unlock();
    }
  }

  /**
   * Reads into {@code dsts[offset..offset+length)} in order: blocks (in blocking mode) for the
   * first bytes only, then fills the following buffers with what is already decrypted.
   */
  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, dsts.length);
    if (!handshake()) {
      return 0;
    }
    readerLock.lock();
    try {
      boolean blocking = blocking();
      long total = 0;
      for (int i = offset; i < offset + length; i++) {
        ByteBuffer dst = dsts[i];
        while (dst.hasRemaining()) {
          if (total > 0 && pending() == 0) {
            return total; // what is decrypted is delivered: do not wait for more
          }
          int n = readLocked(dst, blocking);
          if (n < 0) {
            return total > 0 ? total : n;
          }
          if (n == 0) {
            return total;
          }
          total += n;
        }
      }
      return total;
    } finally {
      readerLock.unlock();
    }
  }

  @Override
  public long read(ByteBuffer[] dsts) throws IOException {
    return read(dsts, 0, dsts.length);
  }

  private int readLocked(ByteBuffer dst, boolean blocking) throws IOException {
    if (!dst.hasRemaining()) {
      return 0;
    }
    while (true) {
      int n;
      boolean reply;
      synchronized (engineLock) {
        ensureOpenLocked();
        boolean lent = lendInput();
        try {
          n = engine.read(dst);
        } finally {
          returnInput(lent);
        }
        reply = transport.pendingOutbound() > 0;
      }
      if (reply) {
        flush(blocking, false); // not waiting for a writer: it sends this before it lets go
      }
      if (n >= 0) {
        lastNeed = Status.OK;
        return n;
      }
      switch (Status.ofCode(n)) {
        case WANT_READ:
          if (!fill()) {
            waitFor(Status.WANT_READ);
            return 0;
          }
          break;
        case WANT_TASK:
          runTasks();
          break;
        case WANT_WRITE:
          if (!flush(blocking, true)) {
            waitFor(Status.WANT_WRITE);
            return 0;
          }
          break;
        case ZERO_RETURN:
          lastNeed = Status.OK;
          return -1;
        default:
          throw failed(blocking, false);
      }
    }
  }

  /**
   * Encrypts and sends the bytes of {@code src}, driving the handshake first if needed.
   *
   * @return bytes taken from {@code src}: all of them in blocking mode; in non-blocking mode
   *     possibly fewer, or 0, while the socket is full ({@link #needs()} says WANT_WRITE)
   * @throws IOException after {@link #shutdown()}, when the peer's close_notify ended the
   *     connection for writing, or the connection's failure
   */
  @Override
  public int write(ByteBuffer src) throws IOException {
    return (int) write(new ByteBuffer[] {src}, 0, 1);
  }

  @Override
  public long write(ByteBuffer[] srcs) throws IOException {
    return write(srcs, 0, srcs.length);
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, srcs.length);
    if (!handshake()) {
      return 0;
    }
    writerLock.lock();
    try {
      ensureOpen();
      if (outputShut) {
        throw new ClosedChannelException(); // like a SocketChannel after shutdownOutput()
      }
      boolean blocking = blocking();
      long total = 0;
      for (int i = offset; i < offset + length; i++) {
        ByteBuffer src = srcs[i];
        while (src.hasRemaining()) {
          if (!flush(blocking, true)) {
            waitFor(Status.WANT_WRITE);
            return total;
          }
          ByteBuffer chunk = src.duplicate();
          chunk.limit(chunk.position() + Math.min(chunk.remaining(), WRITE_CHUNK));
          int n;
          synchronized (engineLock) {
            ensureOpenLocked();
            n = engine.write(chunk);
          }
          if (n >= 0) {
            src.position(src.position() + n);
            total += n;
            continue;
          }
          switch (Status.ofCode(n)) {
            case WANT_TASK:
              runTasks();
              break;
            case WANT_WRITE:
              break; // the flush at the top
            case ZERO_RETURN:
              throw new IOException(
                  "the peer's close_notify ended the connection for writing (TLS 1.2, or a"
                      + " provider without TLS 1.3 half-close): read() returned or will return -1;"
                      + " close the channel");
            default:
              throw failed(blocking, true);
          }
        }
      }
      if (!flush(blocking, true)) {
        waitFor(Status.WANT_WRITE); // taken: its ciphertext goes out on flush()
      } else {
        lastNeed = Status.OK;
      }
      return total;
    } finally {
      writerLock.unlock();
    }
  }

  /**
   * Writes ciphertext still waiting for the socket (non-blocking mode, after WANT_WRITE).
   *
   * @return true when none is left waiting
   */
  public boolean flush() throws IOException {
    writerLock.lock();
    try {
      ensureOpen();
      if (flush(blocking(), true)) {
        lastNeed = Status.OK;
        return true;
      }
      return waitFor(Status.WANT_WRITE);
    } finally {
      writerLock.unlock();
    }
  }

  /**
   * Sends our close_notify, like {@code SSL_shutdown}'s first call: writing ends, reading goes on
   * until {@link #read} returns -1 at the peer's close_notify (TLS 1.3 allows the peer to go on
   * sending; a peer may also close at once). Before the handshake is done it aborts it instead.
   * Idempotent; {@link #close()} does it too.
   *
   * @return true once close_notify is written (always, in blocking mode); false in non-blocking
   *     mode while it waits for the socket ({@link #needs()}: call again, or {@link #flush()})
   */
  public boolean shutdown() throws IOException {
    writerLock.lock();
    try {
      ensureOpen();
      boolean blocking = blocking();
      if (!outputShut) {
        Status s;
        synchronized (engineLock) {
          ensureOpenLocked();
          s = engine.shutdown();
        }
        outputShut = true;
        if (s.isFatal()) {
          throw failed(blocking, true);
        }
      }
      if (flush(blocking, true)) {
        lastNeed = Status.OK;
        return true;
      }
      return waitFor(Status.WANT_WRITE);
    } finally {
      writerLock.unlock();
    }
  }

  /**
   * Sends close_notify if the handshake finished and nothing failed (waiting at most {@link
   * #CLOSE_TIMEOUT}, and not for the peer's), then closes the channel underneath and frees the
   * engine. A read or write blocked in another thread ends with the channel's {@link
   * java.nio.channels.AsynchronousCloseException}. Idempotent.
   */
  @Override
  public void close() throws IOException {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    try {
      sendCloseNotify();
    } finally {
      try {
        channel.close();
      } finally {
        synchronized (engineLock) {
          closed = true;
          engine.close();
        }
      }
    }
  }

  private void sendCloseNotify() {
    synchronized (engineLock) {
      if (!handshaken || engine.failure() != null) {
        return; // nothing was said yet, or a failure already said what there was to say
      }
    }
    long end = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
    try {
      if (!writerLock.tryLock(CLOSE_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS)) {
        return; // a writer is stuck on a full socket: closing the socket is all that is left
      }
      try {
        if (!outputShut) {
          synchronized (engineLock) {
            engine.shutdown();
          }
          outputShut = true;
        }
        if (!blocking()) {
          flush(false, true); // best effort: a close_notify fits unless the socket is full
          return;
        }
        Future<?> watchdog =
            Watchdog.after(Duration.ofNanos(end - System.nanoTime()), this::closeChannelQuietly);
        try {
          flush(true, true);
        } finally {
          watchdog.cancel(false);
        }
      } finally {
        writerLock.unlock();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException ignored) {
      // the peer is gone or the socket full: close anyway, as promised
    }
  }

  /**
   * In non-blocking mode, what the last call that could not go on waits for: {@link
   * Status#WANT_WRITE} while ciphertext waits for the socket, else {@link Status#WANT_READ} when a
   * read or the handshake waits for the peer, else {@link Status#OK}. Always OK in blocking mode
   * between calls.
   */
  public Status needs() {
    if (netOutPending) {
      return Status.WANT_WRITE;
    }
    synchronized (engineLock) {
      if (!closed && transport.pendingOutbound() > 0) {
        return Status.WANT_WRITE;
      }
    }
    return lastNeed;
  }

  /**
   * {@link #needs()} as the interest operations to register the channel underneath for: {@link
   * SelectionKey#OP_READ}, {@link SelectionKey#OP_WRITE}, or 0.
   */
  public int interestOps() {
    switch (needs()) {
      case WANT_READ:
        return SelectionKey.OP_READ;
      case WANT_WRITE:
        return SelectionKey.OP_WRITE;
      default:
        return 0;
    }
  }

  /**
   * When the handshake must be done, in {@link System#nanoTime()} terms; 0 before the first call
   * that drives it.
   */
  public long handshakeDeadline() {
    return deadlineSet ? deadline : 0;
  }

  public boolean isHandshakeComplete() {
    return handshaken;
  }

  /** What the handshake negotiated; null until it completes. */
  public SessionInfo session() {
    synchronized (engineLock) {
      return engine.session();
    }
  }

  /** The channel underneath, for its addresses and options. Do not read or write it. */
  public ByteChannel underlying() {
    return channel;
  }

  /** True until {@link #close()} is called and while the channel underneath is open. */
  @Override
  public boolean isOpen() {
    return !closing.get() && channel.isOpen();
  }

  @Override
  public String toString() {
    return "TlsChannel[" + (context.isClient() ? "client" : "server") + ", " + channel + "]";
  }

  private boolean blocking() {
    return !(channel instanceof SelectableChannel selectable) || selectable.isBlocking();
  }

  /** Records what the caller must wait for; returns false, for "not done". */
  private boolean waitFor(Status need) {
    lastNeed = need;
    return false;
  }

  /** Reads the channel into netIn (readerLock held): false when it had nothing (non-blocking). */
  private boolean fill() throws IOException {
    if (inputEnded) {
      // the engine was told and reports the truncation; asking again would spin
      throw new IllegalStateException("the engine asked for input after end of stream");
    }
    int n = channel.read(netIn);
    if (n < 0) {
      inputEnded = true;
      synchronized (engineLock) {
        ensureOpenLocked();
        transport.feedEof();
      }
      return true;
    }
    return n > 0;
  }

  /** Lends what netIn holds to the engine (engineLock and readerLock held). */
  private boolean lendInput() {
    if (netIn.position() == 0) {
      return false;
    }
    netIn.flip();
    transport.feedView(netIn);
    return true;
  }

  /** Takes netIn back: what the engine left is copied into the transport (engineLock held). */
  private void returnInput(boolean lent) {
    if (lent) {
      transport.detachInbound();
      netIn.clear();
    }
  }

  /**
   * Moves the engine's ciphertext to the channel. With {@code wait} false the caller does not wait
   * for the socket's outbound side: when another thread holds it, that thread sends these bytes
   * too, since it looks for more after letting go.
   *
   * @return true when nothing is left waiting (or another thread took it on); false in non-blocking
   *     mode when the socket is full
   */
  private boolean flush(boolean blocking, boolean wait) throws IOException {
    while (true) {
      if (wait) {
        outLock.lock();
      } else if (!outLock.tryLock()) {
        return true;
      }
      boolean all;
      try {
        all = writeOut(blocking);
      } finally {
        outLock.unlock();
      }
      if (!all) {
        return false;
      }
      synchronized (engineLock) {
        if (closed || transport.pendingOutbound() == 0) {
          return true;
        }
      }
      // a reader queued a reply while we held the socket and left it to us: go again
    }
  }

  /** outLock held: drains the transport into netOut and netOut into the channel. */
  private boolean writeOut(boolean blocking) throws IOException {
    while (true) {
      if (!netOut.hasRemaining()) {
        netOut.clear();
        synchronized (engineLock) {
          if (!closed) {
            transport.drain(netOut);
          }
        }
        netOut.flip();
        if (!netOut.hasRemaining()) {
          netOutPending = false;
          return true;
        }
      }
      int n = channel.write(netOut);
      if (n == 0 && !blocking) {
        netOutPending = true;
        return false;
      }
    }
  }

  private void runTasks() {
    synchronized (engineLock) {
      if (!closed) {
        engine.runTasks();
      }
    }
  }

  private long pending() {
    synchronized (engineLock) {
      return closed ? 0 : engine.pending();
    }
  }

  /** The engine failed: sends its alert as far as the socket takes it, and returns the failure. */
  private TlsException failed(boolean blocking, boolean wait) {
    try {
      flush(blocking, wait);
    } catch (IOException ignored) {
      // the alert is a courtesy: the failure is what the caller must hear
    }
    synchronized (engineLock) {
      return engine.failure();
    }
  }

  private TlsException timeout(Throwable cause) {
    TlsException e = timedOut;
    if (e == null) {
      e =
          new TlsException(
              TlsException.Kind.TIMEOUT,
              null,
              "the TLS handshake did not finish within its deadline of "
                  + context.handshakeTimeout().toMillis()
                  + " ms (TlsContext.handshakeTimeout()): the peer answered too little or not at"
                  + " all; check that it speaks TLS on this port, or raise the timeout",
              cause);
      timedOut = e;
    }
    closeChannelQuietly();
    return e;
  }

  private void ensureOpen() throws IOException {
    if (timedOut != null) {
      throw timedOut;
    }
    if (closing.get()) {
      throw new ClosedChannelException();
    }
  }

  private void ensureOpenLocked() throws IOException {
    if (closed) {
      throw new ClosedChannelException();
    }
  }

  private void closeChannelQuietly() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // it is being closed because it is of no more use
    }
  }
}
