package io.niotls.loop;

import static java.nio.channels.SelectionKey.OP_ACCEPT;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One listening socket on its server's accept loop: accepts, pauses while every admission slot is
 * taken, backs off when accept fails, stops. {@link State} says which, and only the accept loop
 * changes it.
 */
final class Acceptor implements Registration {
  private static final System.Logger LOG = System.getLogger(Acceptor.class.getName());
  private static final int ACCEPTS_PER_EVENT = 64;
  private static final long ACCEPT_RETRY_NANOS = 100_000_000;

  /** Where the acceptor is. */
  enum State {
    /** Interested in OP_ACCEPT. */
    ACCEPTING,
    /** Every admission slot is taken: new connections wait in the kernel's backlog. */
    FULL,
    /** accept() failed (out of descriptors, typically): tried again after a pause. */
    BACKING_OFF,
    /** The listener is closed. */
    STOPPED
  }

  /** What an accepted socket is handed to, on the accept loop. */
  interface HandOff {
    void accept(SocketChannel socket, long acceptedAt);
  }

  private final ServerSocketChannel listener;
  private final TlsEventLoop acceptLoop;
  private final ServerLedger ledger;
  private final boolean tls;
  private final HandOff handOff;
  private final String owner; // for log lines
  private final AtomicBoolean resumeQueued = new AtomicBoolean();
  private SelectionKey key;
  private volatile State state = State.ACCEPTING;

  Acceptor(
      ServerSocketChannel listener,
      TlsEventLoop acceptLoop,
      ServerLedger ledger,
      boolean tls,
      HandOff handOff,
      String owner) {
    this.listener = listener;
    this.acceptLoop = acceptLoop;
    this.ledger = ledger;
    this.tls = tls;
    this.handOff = handOff;
    this.owner = owner;
  }

  /** Starts accepting. Accept loop. */
  void register() throws IOException {
    key = acceptLoop.register(listener, OP_ACCEPT, this);
  }

  State state() {
    return state;
  }

  @Override
  public void ready(int readyOps) {
    for (int i = 0; i < ACCEPTS_PER_EVENT && key.isValid(); i++) {
      if (tls && ledger.admission.full()) {
        pause();
        return;
      }
      SocketChannel socket;
      try {
        socket = listener.accept();
      } catch (IOException e) { // out of file descriptors, typically: back off, do not spin
        LOG.log(System.Logger.Level.WARNING, owner + ": accept failed: " + e);
        state = State.BACKING_OFF;
        key.interestOps(0);
        acceptLoop.at(System.nanoTime() + ACCEPT_RETRY_NANOS, this::resume);
        return;
      }
      if (socket == null) {
        return;
      }
      long acceptedAt = System.nanoTime();
      ledger.accepted(tls);
      handOff.accept(socket, acceptedAt);
    }
  }

  private void pause() {
    state = State.FULL;
    ledger.admission.waited();
    key.interestOps(0);
    if (!ledger.admission.full()) {
      resume(); // a handshake ended between our check and the pause: nobody else will resume
    }
  }

  /** A handshake ended: resume accepting if every slot was taken. Any thread. */
  void slotFreed() {
    if (state == State.FULL && resumeQueued.compareAndSet(false, true)) {
      try {
        acceptLoop.execute(
            () -> {
              resumeQueued.set(false);
              resume();
            });
      } catch (RejectedExecutionException gone) {
        // the loop is shutting down: nothing to accept any more
      }
    }
  }

  private void resume() {
    if (state != State.STOPPED && key.isValid() && !ledger.admission.full()) {
      state = State.ACCEPTING;
      key.interestOps(OP_ACCEPT);
    }
  }

  /** Closes the listener. Accept loop, or any thread once that loop is gone. */
  void stop() {
    state = State.STOPPED;
    try {
      listener.close();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, owner + ": closing the listener: " + e);
    }
  }

  @Override
  public void shutdown() {
    stop();
  }

  @Override
  public void forceClose() {
    stop();
  }
}
