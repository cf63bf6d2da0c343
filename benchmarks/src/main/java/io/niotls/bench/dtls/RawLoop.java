package io.niotls.bench.dtls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.IntConsumer;

/**
 * The hand-written baseline's event loop: one thread, one {@link Selector}, a task queue that wakes
 * it. Nothing else: no timers (the baseline runs lossless loopback only), no accounting. A key's
 * attachment is an {@link IntConsumer} given the ready operations.
 */
final class RawLoop implements AutoCloseable {
  private final Selector selector;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final Thread thread;
  private volatile boolean running = true;

  RawLoop(String name) {
    try {
      selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Runs {@code task} on the loop thread. */
  void execute(Runnable task) {
    tasks.add(task);
    selector.wakeup();
  }

  /** Registers {@code channel} for reads; loop thread only. */
  SelectionKey register(SelectableChannel channel, IntConsumer ready) throws IOException {
    return channel.register(selector, SelectionKey.OP_READ, ready);
  }

  private void run() {
    try {
      while (running) {
        selector.select();
        for (Runnable t = tasks.poll(); t != null; t = tasks.poll()) {
          t.run();
        }
        for (SelectionKey key : selector.selectedKeys()) {
          if (key.isValid()) {
            ((IntConsumer) key.attachment()).accept(key.readyOps());
          }
        }
        selector.selectedKeys().clear();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      try {
        selector.close();
      } catch (IOException ignored) {
        // the loop is gone either way
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    selector.wakeup();
    thread.join(5000);
  }
}
