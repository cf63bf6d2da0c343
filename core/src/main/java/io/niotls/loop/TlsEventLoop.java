package io.niotls.loop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jctools.queues.MpscUnboundedArrayQueue;

/**
 * One thread and one {@link Selector} driving many sessions. Each turn it selects (blocking until a
 * socket is ready, a task arrives or the next timer is due), serves the ready keys, runs due timers
 * (handshake deadlines, close timeouts), then runs the tasks other threads submitted.
 *
 * <p>Interest ops follow the engine: a session waits for OP_READ after {@code WANT_READ} and for
 * OP_WRITE after {@code WANT_WRITE}; after {@code WANT_TASK} it waits for nothing while the group's
 * worker pool runs the delegated tasks, which then resume it here.
 *
 * <p>Threading: {@link #execute} may be called from any thread: tasks enter a JCTools MPSC queue,
 * and the selector is woken only when the loop is (about to be) blocked and no wakeup is pending
 * already, so a burst of submissions costs one {@code wakeup()}. Everything else a loop owns
 * (selector, keys, timers, sessions' state) is confined to its thread. No exception escapes the
 * thread: a failing session is closed and reported, and the loop goes on.
 *
 * <p>Made and shut down by a {@link TlsEventLoopGroup}.
 */
public final class TlsEventLoop implements Executor {
  private static final System.Logger LOG = System.getLogger(TlsEventLoop.class.getName());
  private static final int READ_BUFFER = 64 * 1024;

  private enum State {
    RUNNING,
    SHUTTING_DOWN,
    TERMINATED
  }

  private final TlsEventLoopGroup group;
  private final Selector selector;
  private final Thread thread;
  private final MpscUnboundedArrayQueue<Runnable> tasks = new MpscUnboundedArrayQueue<>(1024);

  /** True while the loop is not blocked in select, or a wakeup is already on its way. */
  private final AtomicBoolean awake = new AtomicBoolean(true);

  private final Timers timers = new Timers();
  private IdleWatch idleWatch; // made for the first session with limits
  private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER);
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private volatile State state = State.RUNNING;
  private long shutdownDeadline;

  TlsEventLoop(TlsEventLoopGroup group, String name) {
    this.group = group;
    try {
      this.selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a selector: " + e.getMessage(), e);
    }
    this.thread = group.newThread(this::run, name);
  }

  void start() {
    thread.start();
  }

  /**
   * Runs {@code task} on this loop's thread, after the tasks already submitted. Any thread.
   *
   * @throws RejectedExecutionException once the loop has terminated
   */
  @Override
  public void execute(Runnable task) {
    Objects.requireNonNull(task, "task");
    if (state == State.TERMINATED) {
      throw new RejectedExecutionException(thread.getName() + " has terminated");
    }
    tasks.offer(task);
    if (state == State.TERMINATED) {
      runLeftovers(); // the loop exited between our check and our offer: nobody else will
    } else if (!awake.get() && awake.compareAndSet(false, true)) {
      selector.wakeup();
    }
  }

  /** Whether the caller runs on this loop's thread. */
  public boolean inEventLoop() {
    return Thread.currentThread() == thread;
  }

  /** True once shutdown began: the loop closes its sessions and takes no new ones. */
  public boolean isShuttingDown() {
    return state != State.RUNNING;
  }

  /** Completes when the loop's thread has closed every socket and its selector. */
  public CompletableFuture<Void> terminationFuture() {
    return terminated;
  }

  /** The group this loop belongs to. */
  public TlsEventLoopGroup group() {
    return group;
  }

  @Override
  public String toString() {
    return thread.getName();
  }

  /** Registers {@code channel} with this loop's selector. Loop thread. */
  SelectionKey register(SelectableChannel channel, int ops, Registration registration)
      throws IOException {
    if (state != State.RUNNING) {
      throw new IOException(thread.getName() + " is shutting down and takes no new connections");
    }
    return channel.register(selector, ops, registration);
  }

  /** Schedules {@code action} at {@code deadline} ({@link System#nanoTime()}). Loop thread. */
  Timers.Timer at(long deadline, Runnable action) {
    return timers.at(deadline, action);
  }

  /** The session limits of this loop's open sessions, one wheel for all of them. Loop thread. */
  IdleWatch idleWatch() {
    if (idleWatch == null) {
      idleWatch = new IdleWatch(this);
    }
    return idleWatch;
  }

  /** The buffer sessions read into before calling their handler. Loop thread, one user at once. */
  ByteBuffer readBuffer() {
    return readBuffer;
  }

  Thread thread() {
    return thread;
  }

  /** Starts a graceful shutdown: every registration closes, the thread exits by the deadline. */
  void shutdown(long deadline) {
    try {
      execute(() -> beginShutdown(deadline));
    } catch (RejectedExecutionException alreadyTerminated) {
      // nothing left to shut down
    }
  }

  private void beginShutdown(long deadline) {
    if (state != State.RUNNING) {
      return;
    }
    state = State.SHUTTING_DOWN;
    shutdownDeadline = deadline;
    timers.at(deadline, () -> {}); // makes select return by the deadline
    for (Registration r : registrations()) {
      r.shutdown();
    }
  }

  private void run() {
    try {
      while (!finished()) {
        select();
        timers.runDue(System.nanoTime(), this::report);
        runTasks();
      }
    } catch (Throwable t) {
      LOG.log(System.Logger.Level.ERROR, thread.getName() + " failed; closing its sessions", t);
    } finally {
      terminate();
    }
  }

  private boolean finished() {
    if (state == State.RUNNING) {
      return false;
    }
    if (System.nanoTime() - shutdownDeadline >= 0) {
      return true;
    }
    for (SelectionKey key : selector.keys()) {
      if (key.isValid()) {
        return false;
      }
    }
    return tasks.isEmpty();
  }

  private void select() throws IOException {
    if (!tasks.isEmpty()) {
      selector.selectNow(this::ready);
      return;
    }
    long wait = timers.nanosUntilNext(System.nanoTime());
    if (wait == 0) {
      selector.selectNow(this::ready);
      return;
    }
    awake.set(false);
    try {
      if (!tasks.isEmpty()) { // a task came in before the flag was down: do not sleep on it
        selector.selectNow(this::ready);
      } else {
        long millis = wait < 0 ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait + 999_999));
        selector.select(this::ready, millis);
      }
    } finally {
      awake.set(true);
    }
  }

  private void ready(SelectionKey key) {
    Registration registration = (Registration) key.attachment();
    try {
      if (key.isValid()) {
        registration.ready(key.readyOps());
      }
    } catch (Throwable t) {
      report(t);
      registration.forceClose();
    }
  }

  private void runTasks() {
    // Bounded by what is queued now, so a task that submits tasks cannot starve I/O.
    for (int n = tasks.size(); n > 0; n--) {
      Runnable task = tasks.relaxedPoll();
      if (task == null) {
        return;
      }
      try {
        task.run();
      } catch (Throwable t) {
        report(t);
      }
    }
  }

  private void report(Throwable t) {
    LOG.log(System.Logger.Level.WARNING, thread.getName() + ": unexpected failure", t);
  }

  private List<Registration> registrations() {
    List<Registration> all = new ArrayList<>();
    for (SelectionKey key : selector.keys()) {
      if (key.isValid()) {
        all.add((Registration) key.attachment());
      }
    }
    return all;
  }

  private void terminate() {
    for (SelectionKey key : selector.keys()) {
      try {
        ((Registration) key.attachment()).forceClose();
      } catch (Throwable t) {
        report(t);
      }
    }
    try {
      selector.close();
    } catch (IOException e) {
      report(e);
    }
    state = State.TERMINATED;
    runLeftovers();
    terminated.complete(null);
  }

  /**
   * After termination, whoever comes last runs what is still queued (on its own thread), so a
   * task's cleanup (closing a channel handed over by an acceptor) is never lost. The lock makes the
   * MPSC queue single-consumer again.
   */
  private void runLeftovers() {
    synchronized (tasks) {
      for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
        try {
          task.run();
        } catch (Throwable t) {
          report(t);
        }
      }
    }
  }
}
