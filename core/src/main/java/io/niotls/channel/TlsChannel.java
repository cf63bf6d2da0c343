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
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Objects;
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
 * <p><b>Leaving TLS.</b> {@link #stopTls()} exchanges close_notify and goes on in plaintext over
 * the same channel (the inverse of STARTTLS); bytes the peer sent right behind its close_notify are
 * read as plaintext, never as TLS.
 *
 * <p><b>Deadlines.</b> The handshake must finish within the context's {@link
 * TlsContext#handshakeTimeout()}, counted from the first call that drives it. In blocking mode a
 * watchdog closes the channel underneath when it passes (a blocking {@code SocketChannel} honours
 * no socket timeout), and the call throws a {@link TlsException} of kind {@link
 * TlsException.Kind#TIMEOUT} naming the deadline. In non-blocking mode the deadline is checked at
 * every call; a selector loop should also wake up for it ({@link #handshakeDeadline()}). {@link
 * #close()} waits at most the context's {@link TlsContext#closeTimeout()} to send close_notify.
 *
 * <p><b>Threads.</b> Like a {@code SocketChannel}: one thread may read while another writes, and
 * neither waits for the other's socket I/O: a read blocked on the socket does not hold up a write.
 * Reads are serialized among themselves, and so are writes; {@link #close()} may be called from any
 * thread and makes a read or write blocked on the socket end with the socket's {@link
 * java.nio.channels.AsynchronousCloseException}. Inside, five locks, always taken in this order:
 * the handshake's (dropped once it is done), the reader's (reads, and the socket's inbound side),
 * the writer's (writes and shutdown, and so one writer at a time), the socket's outbound side, and
 * the engine's. The engine is not thread-safe, so every engine call holds the engine's lock, which
 * is never held across socket I/O. The handshake holds the first three, so reads and writes wait
 * for it (on the handshake's lock: never on a read blocked on the socket). Ciphertext a read makes
 * (a KeyUpdate reply, an alert) is sent by the reader only when no writer is sending, else by that
 * writer before it lets go of the socket, so a reader never waits for a writer stuck on a full
 * socket.
 *
 * <p><b>How it drives the engine.</b> The engine runs over a {@link MemoryTransport} that this
 * class feeds and drains: when the engine says WANT_READ this class reads the channel (blocking or
 * not, as the channel is) and lends the bytes to the engine; whatever ciphertext the engine wrote
 * is then written to the channel from the very buffer the engine wrote it into. The engine itself
 * never blocks and never sees the socket; where to block is decided here, per direction. Each write
 * encrypts at most {@value #WRITE_CHUNK} bytes at a time, so the ciphertext waiting for the socket
 * stays bounded.
 *
 * <p>Network buffers come from the context's {@link TlsContext#bufferPool()} and are held only
 * while bytes move: an idle channel (a virtual thread blocked in {@link #read}) holds none; it
 * waits in the free space of the buffer given to {@link #read}, whose contents past the bytes read
 * are then undefined (a 1 KiB probe of its own when that has under 64 bytes of room). Once the
 * handshake is done the engine is given whole records: a blocking read reads on until one is whole,
 * and it is decrypted in place.
 *
 * <p>(Its length is mostly this contract; the engine calls and the ciphertext's moves are {@code
 * CiphertextPath}'s, the writing side {@code ChannelWriter}'s, the deadline {@code
 * HandshakeDeadline}'s.)
 */
public final class TlsChannel implements ByteChannel, GatheringByteChannel, ScatteringByteChannel {
  /**
   * Plaintext encrypted per engine call: one full record, which the engine encrypts straight into
   * the buffer that goes to the socket.
   */
  static final int WRITE_CHUNK = TlsRecords.MAX_PLAINTEXT_BODY;

  private final ByteChannel channel;
  private final TlsContext context;
  private final CiphertextPath path;

  private final ReentrantLock readerLock = new ReentrantLock();
  private final ChannelWriter writer;
  private ChannelStop stop; // made by the first stopTls (reader's and writer's locks)
  // the server's tickets were read or waited for: plaintext came, or a close lingered (reader's
  // lock)
  private boolean pastTickets;

  private TlsChannel(TlsContext context, ByteChannel channel, String host, int port) {
    this.channel = Objects.requireNonNull(channel, "channel");
    this.context = Objects.requireNonNull(context, "context");
    noDelay(channel);
    MemoryTransport transport = new MemoryTransport(context.bufferPool());
    TlsEngine engine =
        context.isClient()
            ? TlsEngine.client(context, transport, host, port)
            : TlsEngine.server(context, transport);
    this.path =
        new CiphertextPath(
            channel, transport, engine, context.bufferPool(), context.handshakeTimeout());
    this.writer = new ChannelWriter(path, context.closeTimeout());
  }

  /**
   * TCP_NODELAY on a socket channel, as the event loop sets it on its sockets and OpenSSL's
   * documentation advises: records are whole already, and Nagle's algorithm holding a flight's last
   * small write for the peer's delayed ACK cost a JDK client's Finished (written apart from its
   * ChangeCipherSpec) 40 ms, and with it the server's session tickets.
   */
  private static void noDelay(ByteChannel channel) {
    if (channel instanceof SocketChannel socket) {
      try {
        socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
      } catch (IOException | UnsupportedOperationException e) {
        // not connected any more, or no TCP: the first call reports what matters
      }
    }
  }

  /**
   * A client over a connected channel. {@code host} is sent as SNI (unless an IP literal or
   * overridden in the context) and the server's certificate is verified against it; {@code host}
   * and {@code port} also key the session cache for resumption. Nothing is sent until the first
   * call. A {@link SocketChannel} gets TCP_NODELAY.
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
   * A server over an accepted channel. Nothing is read until the first call. A {@link
   * SocketChannel} gets TCP_NODELAY.
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
    HandshakeDeadline pending = path.pendingHandshake();
    if (pending == null) {
      return true;
    }
    // Waiting here, not on the reader's lock: once the handshake is done a reader holds that lock
    // while it blocks on the socket, and a writer that had been waiting for the handshake must not
    // wait for that read too.
    pending.lock.lock();
    try {
      if (path.pendingHandshake() == null) {
        return true;
      }
      readerLock.lock();
      try {
        writer.lock.lock();
        try {
          path.ensureOpen();
          pending.start();
          if (!path.blocking()) {
            pending.check();
            return driveHandshake(false);
          }
          pending.runBlocking(() -> driveHandshake(true));
          return true;
        } finally {
          writer.lock.unlock();
        }
      } finally {
        readerLock.unlock();
      }
    } finally {
      pending.lock.unlock();
    }
  }

  /** The handshake loop; readerLock and writerLock held. */
  private boolean driveHandshake(boolean blocking) throws IOException {
    while (true) {
      if (!path.flush(blocking, true)) {
        return path.waitFor(Status.WANT_WRITE);
      }
      Status s = path.handshake();
      switch (s) {
        case OK:
          if (!path.flush(blocking, true)) {
            return path.waitFor(Status.WANT_WRITE);
          }
          path.established();
          path.satisfied();
          return true;
        case WANT_TASK:
          path.runTasks();
          break;
        case WANT_WRITE:
          break; // the flush at the top
        case WANT_READ:
          if (!path.flush(blocking, true)) {
            return path.waitFor(Status.WANT_WRITE);
          }
          if (!path.fill()) {
            return path.waitFor(Status.WANT_READ);
          }
          break;
        default:
          throw path.failed(blocking, true);
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
      if (path.plaintext()) {
        return path.readPlain(dst);
      }
      return readLocked(dst, path.blocking());
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
      boolean blocking = path.blocking();
      boolean plaintext = path.plaintext();
      long total = 0;
      for (int i = offset; i < offset + length; i++) {
        ByteBuffer dst = dsts[i];
        while (dst.hasRemaining()) {
          if (total > 0 && (plaintext ? path.plainPending() : path.pending()) == 0) {
            return total; // what is decrypted (or read ahead) is delivered: do not wait for more
          }
          int n = plaintext ? path.readPlain(dst) : readLocked(dst, blocking);
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
      int n = path.read(dst, blocking);
      if (n >= 0) {
        path.satisfied();
        pastTickets |= n > 0;
        return n;
      }
      switch (Status.ofCode(n)) {
        case WANT_READ:
          if (!path.fill(dst)) {
            path.waitFor(Status.WANT_READ);
            return 0;
          }
          break;
        case WANT_TASK:
          path.runTasks();
          break;
        case WANT_WRITE:
          if (!path.flush(blocking, true)) {
            path.waitFor(Status.WANT_WRITE);
            return 0;
          }
          break;
        case ZERO_RETURN:
          path.satisfied();
          return -1;
        default:
          throw path.failed(blocking, false);
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
    return handshake() ? writer.write(srcs, offset, length) : 0;
  }

  /**
   * Writes ciphertext still waiting for the socket (non-blocking mode, after WANT_WRITE).
   *
   * @return true when none is left waiting
   */
  public boolean flush() throws IOException {
    return writer.flush();
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
    lingerForTickets();
    return writer.shutdown();
  }

  /**
   * Ends TLS and keeps the connection (stopTls, the inverse of STARTTLS: FTP's {@code CCC}, LDAP's
   * StopTLS; what Python's {@code SSLSocket.unwrap()} does): sends our close_notify behind the
   * writes made so far, waits for the peer's, and from then on {@link #read} and {@link #write}
   * move plaintext over the same channel underneath. The first bytes read are whatever the peer
   * sent right behind its close_notify, even when they arrived in the same segment: they are never
   * taken as TLS. Either side may begin: when the peer's close_notify came first ({@link #read}
   * returned -1), ours answers it. Drives the handshake first if needed.
   *
   * <p>TLS data the peer sends after our close_notify and before its own is discarded, as {@code
   * SSL_shutdown} does; to read it, call {@link #shutdown()} and {@link #read} until -1 first. This
   * takes the reader's and the writer's side: a read blocked in another thread holds it up until
   * that read returns. After it, {@link #shutdown()} half-closes a {@link
   * java.nio.channels.SocketChannel} underneath and {@link #close()} sends nothing; {@link
   * #session()} still tells what the TLS session was.
   *
   * @return true once the channel speaks plaintext (always, in blocking mode); false in
   *     non-blocking mode while it waits for the socket ({@link #needs()}: call again)
   * @throws IOException when the peer closes the connection instead of sending close_notify (its
   *     cause a {@link TlsException} of kind TRUNCATED), when its close_notify does not come within
   *     the context's {@link TlsContext#closeTimeout()} (the channel is then closed), or the
   *     connection's failure
   */
  public boolean stopTls() throws IOException {
    if (!handshake()) {
      return false;
    }
    readerLock.lock();
    try {
      writer.lock.lock();
      try {
        path.ensureOpen();
        if (stop == null) {
          stop = new ChannelStop(path, context.closeTimeout());
        }
        return stop.run(path.blocking());
      } finally {
        writer.lock.unlock();
      }
    } finally {
      readerLock.unlock();
    }
  }

  /** True once {@link #stopTls()} has ended TLS: bytes move as plaintext. */
  public boolean isPlaintext() {
    return path.plaintext();
  }

  /**
   * Sends close_notify if the handshake finished and nothing failed (waiting at most the context's
   * {@link TlsContext#closeTimeout()}, and not for the peer's), then closes the channel underneath
   * and frees the engine. A read or write blocked in another thread ends with the channel's {@link
   * java.nio.channels.AsynchronousCloseException}. Idempotent.
   */
  public void close() throws IOException {
    if (path.closing()) {
      return;
    }
    lingerForTickets();
    if (!path.startClosing()) {
      return;
    }
    try {
      writer.sendCloseNotify(isHandshakeComplete());
    } finally {
      try {
        channel.close(); // returns once no read or write is inside the socket any more
      } finally {
        path.free();
        readerLock.lock(); // a reader the closed channel woke lets go at once
        try {
          path.releaseInputAtClose();
        } finally {
          readerLock.unlock();
        }
      }
    }
  }

  /**
   * Before our close_notify: a blocking TLS 1.3 client with session resumption on that has read
   * nothing since the handshake waits briefly for the server's tickets ({@link TicketLinger}), so
   * that a client that only handshakes and closes resumes next time. Not while another thread reads
   * (it takes them) or writes, nor twice.
   */
  private void lingerForTickets() {
    if (!context.isClient()
        || !context.sessionResumption()
        || !(channel instanceof SocketChannel socket)
        || !socket.isBlocking()
        || !socket.isConnected()
        || !path.canSayGoodbye(isHandshakeComplete())
        || path.closing()
        || !"TLSv1.3".equals(session().protocol())
        || !readerLock.tryLock()) {
      return;
    }
    try {
      // The writer's lock too: the socket changes mode only while no thread is inside it, and a
      // writer stuck on a full socket must not hold up close(); busy, there is no linger.
      if (!pastTickets && writer.lock.tryLock()) {
        try {
          pastTickets = true;
          TicketLinger.await(socket, path.handshakeMillis(), sink -> readLocked(sink, false));
        } finally {
          writer.lock.unlock();
        }
      }
    } finally {
      readerLock.unlock();
    }
  }

  /**
   * In non-blocking mode, what the last call that could not go on waits for: {@link
   * Status#WANT_WRITE} while ciphertext waits for the socket, else {@link Status#WANT_READ} when a
   * read or the handshake waits for the peer, else {@link Status#OK}. Always OK in blocking mode
   * between calls.
   */
  public Status needs() {
    return path.needs();
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
   * that drives it, and once it is done (nothing is left to wake up for).
   */
  public long handshakeDeadline() {
    HandshakeDeadline pending = path.pendingHandshake();
    return pending == null ? 0 : pending.nanoTime();
  }

  public boolean isHandshakeComplete() {
    return path.pendingHandshake() == null;
  }

  /** What the handshake negotiated; null until it completes. */
  public SessionInfo session() {
    return path.session();
  }

  /** The channel underneath, for its addresses and options. Do not read or write it. */
  public ByteChannel underlying() {
    return channel;
  }

  /** True until {@link #close()} is called and while the channel underneath is open. */
  @Override
  public boolean isOpen() {
    return !path.closing() && channel.isOpen();
  }

  @Override
  public String toString() {
    return "TlsChannel[" + (context.isClient() ? "client" : "server") + ", " + channel + "]";
  }
}
