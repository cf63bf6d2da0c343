package io.niotls.loop;

import io.niotls.context.TlsConfigException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed set of {@link TlsEventLoop}s (default: one per core) and one bounded worker pool.
 * Sessions are spread over the loops round-robin; the worker pool runs the engines' delegated tasks
 * (contexts built with {@code DelegatedTasks.CALLER}) and client name lookups, so neither blocks a
 * loop.
 *
 * <p>Threads are named {@code niotls-loop-G-I} and {@code niotls-task-G-I}; loop threads are not
 * daemons (a running server keeps the JVM alive), worker threads are, and idle workers exit after a
 * few seconds.
 *
 * <p>Threading: every method may be called from any thread. {@link #close()} blocks and must not be
 * called on one of the group's own threads.
 */
public final class TlsEventLoopGroup implements AutoCloseable {
  /** How long {@link #close()} lets sessions close gracefully. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

  private static final AtomicInteger GROUPS = new AtomicInteger();

  private final int id = GROUPS.incrementAndGet();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final TlsEventLoop[] loops;
  private final ThreadPoolExecutor workers;
  private final AtomicInteger nextLoop = new AtomicInteger();
  private final AtomicBoolean shutdown = new AtomicBoolean();
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();

  private TlsEventLoopGroup(int loopCount, int workerCount) {
    if (loopCount < 1 || workerCount < 1) {
      throw new TlsConfigException(
          "a group needs at least one loop and one worker, got " + loopCount + ", " + workerCount);
    }
    AtomicInteger workerIds = new AtomicInteger();
    workers =
        new ThreadPoolExecutor(
            workerCount,
            workerCount,
            5,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            task -> {
              Thread t = newThread(task, "niotls-task-" + id + "-" + workerIds.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    workers.allowCoreThreadTimeOut(true);
    loops = new TlsEventLoop[loopCount];
    for (int i = 0; i < loopCount; i++) {
      loops[i] = new TlsEventLoop(this, "niotls-loop-" + id + "-" + i);
    }
    for (TlsEventLoop loop : loops) {
      loop.start();
    }
  }

  /** One loop per available core, and as many workers. */
  public static TlsEventLoopGroup create() {
    return create(Runtime.getRuntime().availableProcessors());
  }

  /** {@code loops} loops, and a worker pool of as many threads (at least two). */
  public static TlsEventLoopGroup create(int loops) {
    return new TlsEventLoopGroup(loops, Math.max(2, loops));
  }

  /** The next loop in round-robin order, for a new session. */
  public TlsEventLoop next() {
    return loops[Math.floorMod(nextLoop.getAndIncrement(), loops.length)];
  }

  public int size() {
    return loops.length;
  }

  public boolean isShuttingDown() {
    return shutdown.get();
  }

  /**
   * Shuts every loop down: sessions get close_notify and {@code timeout} to finish closing, then
   * whatever is left is closed hard; the worker pool stops. Idempotent: later calls return the same
   * future (and their timeout is ignored).
   *
   * @return completes when every loop has terminated (its sockets and selector closed) and the
   *     worker pool has stopped; the threads themselves exit a moment later ({@link #close()} waits
   *     for them)
   */
  public CompletableFuture<Void> shutdownGracefully(Duration timeout) {
    if (shutdown.compareAndSet(false, true)) {
      long deadline = System.nanoTime() + timeout.toNanos();
      CompletableFuture<?>[] all = new CompletableFuture<?>[loops.length];
      for (int i = 0; i < loops.length; i++) {
        loops[i].shutdown(deadline);
        all[i] = loops[i].terminationFuture();
      }
      CompletableFuture.allOf(all)
          .whenComplete(
              (ok, error) -> {
                workers.shutdown();
                terminated.complete(null);
              });
    }
    return terminated;
  }

  /**
   * Shuts down gracefully ({@link #DEFAULT_SHUTDOWN_TIMEOUT}) and waits until every thread of the
   * group has exited.
   */
  @Override
  public void close() {
    refuseOwnThread("TlsEventLoopGroup.close()");
    shutdownGracefully(DEFAULT_SHUTDOWN_TIMEOUT).join();
    try {
      workers.awaitTermination(DEFAULT_SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      for (Thread thread : threads) {
        thread.join(DEFAULT_SHUTDOWN_TIMEOUT.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Blocking waits for the group on its own loop thread would wait for themselves. */
  void refuseOwnThread(String what) {
    for (TlsEventLoop loop : loops) {
      if (loop.inEventLoop()) {
        throw new IllegalStateException(
            what
                + " on "
                + loop
                + " would wait for its own thread; use shutdownGracefully() and do not block");
      }
    }
  }

  /** Runs blocking or CPU-heavy work (delegated tasks, DNS) off the loops. */
  ExecutorService workers() {
    return workers;
  }

  Thread newThread(Runnable body, String name) {
    Thread thread = new Thread(body, name);
    threads.add(thread);
    threads.removeIf(t -> t.getState() == Thread.State.TERMINATED);
    return thread;
  }
}
