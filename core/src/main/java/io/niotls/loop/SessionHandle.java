package io.niotls.loop;

import static java.nio.channels.SelectionKey.OP_READ;

import io.niotls.context.TlsContext;
import io.niotls.engine.SessionInfo;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The part of a session any thread may touch: the {@link TlsSession} methods and the volatile state
 * they read. Every action is handed to the session's loop, where {@link Connection}, the
 * loop-confined rest, carries it out; the abstract methods below are its side of that hand-over.
 */
abstract class SessionHandle implements TlsSession {
  /** Work for the loop thread. */
  @FunctionalInterface
  interface Step {
    void run() throws IOException;
  }

  final TlsEventLoop loop;
  final Outbound outbound;
  final CompletableFuture<Void> closed = new CompletableFuture<>();

  /** Written by the loop only; read anywhere. */
  volatile SessionPhase phase = SessionPhase.NEW;

  volatile boolean autoRead = true;

  /**
   * {@link #close()} was called: set on the caller's thread, ahead of the loop, so writes are
   * refused and {@link #isOpen()} is false from that call on. The phase catches up when the loop
   * runs the close; this is the one thing a phase written by the loop alone cannot say.
   */
  private volatile boolean closeRequested;

  volatile SessionInfo info;
  volatile InetSocketAddress remote;
  volatile InetSocketAddress local;
  volatile long unsent; // set once, as the session closes

  SessionHandle(TlsEventLoop loop, int maxOutboundBytes, InetSocketAddress remote) {
    this.loop = loop;
    this.outbound = new Outbound(maxOutboundBytes);
    this.remote = remote;
  }

  /** Runs {@code step} on the loop, after the work already queued there. Any thread. */
  abstract void submit(Step step);

  /** Loop thread: whether this session's handler is being called right now. */
  abstract boolean inCallback();

  /** Loop thread: queues bytes already counted by the outbound queue; dropped once closing. */
  final void enqueue(ByteBuffer bytes) {
    if (phase.closing()) {
      outbound.release(bytes.remaining());
    } else {
      outbound.add(bytes);
    }
  }

  /** Loop thread: STARTTLS asked for. */
  abstract void requestUpgrade(Upgrade upgrade);

  /** Loop thread: stopTls asked for. */
  abstract void requestStop(Downgrade downgrade);

  /** Loop thread: a graceful close asked for. */
  abstract void beginClose(CloseIntent intent) throws IOException;

  /** Loop thread: do what the phase needs for socket readiness {@code ops}. */
  abstract void step(int ops) throws IOException;

  @Override
  public boolean write(ByteBuffer src) {
    if (closeRequested || phase.closing()) {
      return false;
    }
    int n = src.remaining();
    if (n == 0) {
      return true;
    }
    if (!outbound.reserve(n)) {
      submit(() -> {}); // the queue may have drained since: the loop re-checks writability
      return false;
    }
    ByteBuffer copy = ByteBuffer.allocate(n).put(src).flip();
    if (loop.inEventLoop()) {
      enqueue(copy);
      if (!inCallback()) {
        submit(() -> {}); // flushed after the current work, never re-entrantly
      }
    } else {
      submit(() -> enqueue(copy));
    }
    return true;
  }

  @Override
  public CompletableFuture<Void> close() {
    closeRequested = true;
    submit(() -> beginClose(CloseIntent.LOCAL));
    return closed;
  }

  @Override
  public CompletableFuture<Void> closeFuture() {
    return closed;
  }

  @Override
  public CompletableFuture<TlsSession> startTls(TlsContext context) {
    Upgrade upgrade = new Upgrade(Objects.requireNonNull(context, "context"));
    if (loop.inEventLoop()) {
      requestUpgrade(upgrade); // now, so writes after this call are not sent as plaintext
    } else {
      submit(() -> requestUpgrade(upgrade));
    }
    return upgrade.future;
  }

  @Override
  public CompletableFuture<TlsSession> stopTls() {
    Downgrade downgrade = new Downgrade();
    if (loop.inEventLoop()) {
      requestStop(downgrade); // now, so writes after this call are not sent over TLS
    } else {
      submit(() -> requestStop(downgrade));
    }
    return downgrade.future;
  }

  @Override
  public void setAutoRead(boolean on) {
    autoRead = on;
    submit(() -> step(on ? OP_READ : 0));
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
    return phase == SessionPhase.OPEN && !closeRequested;
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
  public long unsentBytes() {
    return unsent;
  }

  @Override
  public TlsEventLoop eventLoop() {
    return loop;
  }

  @Override
  public String toString() {
    return "TlsSession[" + Addresses.text(remote) + " " + phase + "]";
  }
}
