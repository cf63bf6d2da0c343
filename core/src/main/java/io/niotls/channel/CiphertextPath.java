package io.niotls.channel;

import io.niotls.buffer.BufferPool;
import io.niotls.engine.SessionInfo;
import io.niotls.engine.Status;
import io.niotls.engine.TlsEngine;
import io.niotls.engine.TlsException;
import io.niotls.transport.MemoryTransport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The engine of one {@link TlsChannel} and the channel under it: every engine call (under the
 * engine's lock, never held across socket I/O) and every move of ciphertext between the two. The
 * engine runs over a {@link MemoryTransport}: what the channel delivers is lent to the engine in
 * place for one call ({@link #fill}); what the engine writes goes to a {@link SealedOutput} and
 * from there, uncopied, to the channel ({@link #flush}) under the lock of the socket's outbound
 * side.
 *
 * <p>Callers hold {@link TlsChannel}'s reader lock for {@link #fill} and every engine call that
 * consumes input; this class takes the outbound and engine locks itself.
 */
final class CiphertextPath {
  private final ByteChannel channel;
  private final MemoryTransport transport;
  private final TlsEngine engine;

  private final ReentrantLock outLock = new ReentrantLock();
  // The engine's lock is this object's monitor: one object fewer per connection.

  private final BufferPool pool;
  // Network buffers are the pool's and held only while bytes move: an idle connection (a virtual
  // thread blocked in read, say) holds none: it waits in the reader's own buffer.
  private final ChannelInput input; // reader's lock
  private final SealedOutput sealed; // engine's lock: the engine's ciphertext, not yet taken
  private ByteBuffer netOut; // outLock; read mode: taken, not yet written; null when empty

  private boolean inputEnded; // reader's lock: the channel said end of stream
  private volatile boolean stopping; // stopTls began: writes wait until it is done
  private volatile boolean plaintext; // stopTls done: the engine is gone, bytes move as they are
  private ByteBuffer plainIn; // reader's lock; read mode: plaintext read ahead with close_notify
  private volatile boolean netOutPending; // the socket took less than netOut held
  private boolean freed; // engine's lock: the engine is released
  private volatile boolean closing; // set under the engine's lock
  // the handshake's lock and deadline; null once the handshake is done, so that an established
  // connection holds neither
  private volatile HandshakeDeadline handshake;
  private int handshakeMillis; // how long the handshake took, kept when its deadline is dropped
  private volatile Status need = Status.OK; // what the last call that could not go on waits for

  CiphertextPath(
      ByteChannel channel,
      MemoryTransport transport,
      TlsEngine engine,
      BufferPool pool,
      Duration handshakeTimeout) {
    this.channel = channel;
    this.transport = transport;
    this.engine = engine;
    this.pool = pool;
    this.input = new ChannelInput(channel, pool);
    this.sealed = new SealedOutput(pool);
    transport.sink(sealed); // the engine's records go to the socket's side uncopied
    this.handshake = new HandshakeDeadline(handshakeTimeout, channel);
  }

  /** The handshake's lock and deadline while it is not done; null once it is. */
  HandshakeDeadline pendingHandshake() {
    return handshake;
  }

  /**
   * Throws the handshake's timeout once it has passed, or {@link ClosedChannelException} once
   * {@link TlsChannel#close()} was called.
   */
  void ensureOpen() throws IOException {
    HandshakeDeadline h = handshake;
    if (h != null) {
      h.throwIfExpired();
    }
    if (closing) {
      throw new ClosedChannelException();
    }
  }

  /** Marks the channel closing; true for the first caller only. */
  boolean startClosing() {
    synchronized (this) {
      if (closing) {
        return false;
      }
      closing = true;
      return true;
    }
  }

  boolean closing() {
    return closing;
  }

  /** Records what the caller must wait for; returns false, for "not done". */
  boolean waitFor(Status s) {
    need = s;
    return false;
  }

  /** The last call went through: nothing to wait for. */
  void satisfied() {
    need = Status.OK;
  }

  /** WANT_WRITE while ciphertext waits, else what the last call that could not go on waits for. */
  Status needs() {
    return outboundWaiting() ? Status.WANT_WRITE : need;
  }

  /** Blocking mode: the channel is blocking, or not a {@link SelectableChannel}. */
  boolean blocking() {
    return !(channel instanceof SelectableChannel selectable) || selectable.isBlocking();
  }

  /** One handshake step over what {@link #fill} has read (reader's lock held). */
  Status handshake() throws IOException {
    synchronized (this) {
      ensureNotFreed();
      boolean lent = lendInput();
      try {
        return engine.handshake();
      } finally {
        returnInput(lent);
      }
    }
  }

  /**
   * One engine read into {@code dst} (reader's lock held). A reply it makes (a KeyUpdate's, an
   * alert) is sent without waiting for a writer: a writer holding the socket sends it before it
   * lets go.
   */
  int read(ByteBuffer dst, boolean blocking) throws IOException {
    int n;
    boolean reply;
    synchronized (this) {
      ensureNotFreed();
      boolean lent = lendInput();
      try {
        n = engine.read(dst);
      } finally {
        returnInput(lent);
      }
      reply = sealed.pending() > 0;
    }
    if (reply) {
      flush(blocking, false);
    }
    return n;
  }

  /** One engine write of {@code chunk} (writer's lock held). */
  int write(ByteBuffer chunk) throws IOException {
    synchronized (this) {
      ensureNotFreed();
      return engine.write(chunk);
    }
  }

  /** Queues our close_notify (writer's lock held). */
  Status shutdown() throws IOException {
    synchronized (this) {
      ensureNotFreed();
      return engine.shutdown();
    }
  }

  /**
   * One step of stopTls: the engine's {@link TlsEngine#shutdown()} over what {@link #fill} has read
   * (reader's and writer's locks held): SENT while the peer's close_notify has not come, DONE once
   * it has.
   */
  Status stopStep() throws IOException {
    synchronized (this) {
      ensureNotFreed();
      boolean lent = lendInput();
      try {
        return engine.shutdown();
      } finally {
        returnInput(lent);
      }
    }
  }

  /**
   * Ends TLS once close_notify went both ways (reader's and writer's locks held): the engine hands
   * back what it read behind the peer's close_notify, followed by what the transport and netIn
   * still hold, in the order they came; {@link #readPlain} delivers those bytes first.
   */
  void toPlaintext() throws IOException {
    synchronized (this) {
      ensureNotFreed();
      ByteBuffer rest = engine.unwrapRemainder();
      int inTransport = transport.pendingInbound();
      int unlent = input.buffered();
      ByteBuffer all = ByteBuffer.allocate(rest.remaining() + inTransport + unlent);
      all.put(rest);
      if (inTransport > 0) {
        transport.read(all);
      }
      input.drainTo(all);
      all.flip();
      plainIn = all.hasRemaining() ? all : null;
      plaintext = true;
    }
  }

  /** stopTls began (writer's lock held): no more TLS writes. */
  void stopping() {
    stopping = true;
    input.frame(false); // behind the peer's close_notify come plaintext bytes, not records
  }

  /**
   * The handshake is done (the handshake's and reader's locks held): the engine is lent whole
   * records from now on, and the handshake's lock and deadline are dropped.
   */
  void established() {
    if (!stopping) {
      input.frame(true);
    }
    HandshakeDeadline h = handshake;
    if (h != null) {
      handshakeMillis =
          (int) Math.min(Integer.MAX_VALUE, h.elapsedNanos(System.nanoTime()) / 1_000_000);
    }
    handshake = null;
  }

  /** How long the handshake took, in milliseconds; 0 before it is done (reader's lock). */
  int handshakeMillis() {
    return handshakeMillis;
  }

  /** Whether stopTls began and is not done yet. */
  boolean stopUnderWay() {
    return stopping && !plaintext;
  }

  /** Whether stopTls is done: reads and writes move plaintext on the channel. */
  boolean plaintext() {
    return plaintext;
  }

  /**
   * After stopTls (reader's lock held): the bytes read ahead with the peer's close_notify first,
   * then the channel's.
   */
  int readPlain(ByteBuffer dst) throws IOException {
    if (plainIn != null) {
      int n = Math.min(dst.remaining(), plainIn.remaining());
      dst.put(plainIn.slice(plainIn.position(), n));
      plainIn.position(plainIn.position() + n);
      if (!plainIn.hasRemaining()) {
        plainIn = null;
      }
      satisfied();
      return n;
    }
    int n = channel.read(dst);
    if (n == 0 && dst.hasRemaining()) {
      waitFor(Status.WANT_READ);
    } else {
      satisfied();
    }
    return n;
  }

  /** After stopTls: half-closes a socket underneath (FIN); other channels have no half-close. */
  void shutdownPlainOutput() throws IOException {
    if (channel instanceof SocketChannel socket) {
      outLock.lock();
      try {
        socket.shutdownOutput();
      } finally {
        outLock.unlock();
      }
    }
  }

  /** Plaintext read ahead and not yet delivered, after stopTls (reader's lock held). */
  int plainPending() {
    return plainIn == null ? 0 : plainIn.remaining();
  }

  /**
   * After stopTls (writer's lock held): writes {@code srcs[offset..offset+length)} to the channel;
   * all of it in blocking mode, else what the socket takes now.
   */
  long writePlain(ByteBuffer[] srcs, int offset, int length, boolean blocking) throws IOException {
    outLock.lock();
    try {
      long total = 0;
      for (int i = offset; i < offset + length; i++) {
        ByteBuffer src = srcs[i];
        while (src.hasRemaining()) {
          int n = channel.write(src);
          total += n;
          if (n == 0 && !blocking) {
            waitFor(Status.WANT_WRITE);
            return total;
          }
        }
      }
      satisfied();
      return total;
    } finally {
      outLock.unlock();
    }
  }

  /**
   * Reads the channel into the input (reader's lock held): in blocking mode, once the handshake is
   * done, until a whole record is there.
   *
   * @return false when it had nothing new for the engine (non-blocking); true when it read, or at
   *     end of stream (which the engine is told, and reports as it must)
   */
  boolean fill() throws IOException {
    return fill(null);
  }

  /**
   * {@link #fill()}, waiting in the free space of {@code dst} (the reader's buffer, or null) while
   * the connection is idle: see {@link ChannelInput#fill(boolean, ByteBuffer)}.
   */
  boolean fill(ByteBuffer dst) throws IOException {
    if (inputEnded) {
      // the engine was told and reports the truncation; asking again would spin
      throw new IllegalStateException("the engine asked for input after end of stream");
    }
    int n = input.fill(blocking(), dst);
    if (n < 0) {
      inputEnded = true;
      synchronized (this) {
        ensureNotFreed();
        transport.feedEof();
      }
      return true;
    }
    return n > 0;
  }

  /**
   * Moves the engine's ciphertext to the channel. With {@code wait} false the caller does not wait
   * for the socket's outbound side: when another thread holds it, that thread sends these bytes
   * too, since it looks for more after letting go.
   *
   * @return true when nothing is left waiting (or another thread took it on); false in non-blocking
   *     mode when the socket is full
   */
  boolean flush(boolean blocking, boolean wait) throws IOException {
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
      synchronized (this) {
        if (freed || sealed.pending() == 0) {
          return true;
        }
      }
      // a reader queued a reply while we held the socket and left it to us: go again
    }
  }

  /** True while ciphertext waits: in the engine's transport, or for the socket. */
  private boolean outboundWaiting() {
    if (netOutPending) {
      return true;
    }
    synchronized (this) {
      return !freed && sealed.pending() > 0;
    }
  }

  void runTasks() {
    synchronized (this) {
      if (!freed) {
        engine.runTasks();
      }
    }
  }

  /** Plaintext decrypted and not yet read. */
  long pending() {
    synchronized (this) {
      return freed ? 0 : engine.pending();
    }
  }

  /** The engine failed: sends its alert as far as the socket takes it, and returns the failure. */
  TlsException failed(boolean blocking, boolean wait) {
    try {
      flush(blocking, wait);
    } catch (IOException ignored) {
      // the alert is a courtesy: the failure is what the caller must hear
    }
    synchronized (this) {
      return engine.failure();
    }
  }

  /** True when the handshake is done and nothing failed: a close_notify is worth sending. */
  boolean canSayGoodbye(boolean handshaken) {
    synchronized (this) {
      return handshaken && !freed && !plaintext && engine.failure() == null;
    }
  }

  SessionInfo session() {
    synchronized (this) {
      return engine.session();
    }
  }

  /** Releases the engine; every later engine call throws {@link ClosedChannelException}. */
  void free() {
    synchronized (this) {
      freed = true;
      engine.close();
      sealed.release();
    }
    outLock.lock(); // a writer the closed channel woke lets go at once
    try {
      if (netOut != null) {
        pool.release(netOut);
        netOut = null;
      }
    } finally {
      outLock.unlock();
    }
  }

  /** Gives the input buffer back at close (reader's lock held: no read is using it). */
  void releaseInputAtClose() {
    input.release();
  }

  void closeChannelQuietly() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // it is being closed because it is of no more use
    }
  }

  /** outLock held: takes the engine's ciphertext as netOut and writes netOut to the channel. */
  private boolean writeOut(boolean blocking) throws IOException {
    while (true) {
      if (netOut == null || !netOut.hasRemaining()) {
        synchronized (this) {
          ByteBuffer taken = freed ? null : sealed.take();
          if (taken != null) {
            if (netOut != null) {
              pool.release(netOut);
            }
            netOut = taken;
          }
        }
        if (netOut == null || !netOut.hasRemaining()) {
          if (netOut != null) {
            pool.release(netOut); // all written: hold nothing while there is nothing to send
            netOut = null;
          }
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

  /** Lends the engine what it may take of the input (engine's and reader's locks held). */
  private boolean lendInput() {
    return input.lend(transport);
  }

  /** Takes the input back from the engine (engine's lock held). */
  private void returnInput(boolean lent) {
    if (lent) {
      input.takeBack(transport);
    }
  }

  private void ensureNotFreed() throws IOException {
    if (freed) {
      throw new ClosedChannelException();
    }
  }
}
