package io.niotls.bench.vthreads;

import io.niotls.bench.loop.LoopbackServer;
import java.io.Closeable;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A thread-per-connection echo server on virtual threads: one platform thread accepts, every
 * accepted connection gets a virtual thread of its own that echoes until the peer's close_notify,
 * then closes. The two kinds differ only in the TLS underneath ({@link VtChannelServer}, {@link
 * VtSslSocketServer}), so what they cost apart is the TLS's.
 *
 * <p>{@link #cpuNanos()} is the whole process's CPU time (carrier threads, GC, JIT): the server is
 * meant to run alone in its JVM ({@code io.niotls.bench.loop.MemoryServer}).
 *
 * @param <C> an accepted connection
 */
public abstract class VirtualThreadServer<C extends Closeable> implements LoopbackServer {
  /** The system property that sets {@link #BUFFER}. */
  public static final String BUFFER_PROPERTY = "niotls.bench.vt.buffer";

  /**
   * Bytes read (and echoed) at a time: 16 KiB as in the README's example, unless {@value
   * #BUFFER_PROPERTY} says otherwise. Each connection's thread holds its buffer while idle, the
   * same for both kinds: a smaller one shows the TLS's own share of the memory better.
   */
  static final int BUFFER = Integer.getInteger(BUFFER_PROPERTY, 16 * 1024);

  private final ExecutorService threads = VirtualThreads.perTaskExecutor();
  private final Set<C> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger sessions = new AtomicInteger();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicReference<String> firstFailure = new AtomicReference<>();
  private volatile boolean closing;

  /** The next connection; blocks. Throws once the listener is closed. */
  abstract C accept() throws IOException;

  /** Echoes on {@code connection} until the peer's close_notify (or fails); does not close it. */
  abstract void echo(C connection) throws IOException;

  /** Closes the listening socket, so that {@link #accept()} throws. */
  abstract void closeListener() throws IOException;

  /** Starts the platform thread that accepts; call once the listener is bound. */
  final void startAccepting() {
    Thread acceptor = new Thread(this::acceptLoop, name() + "-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void acceptLoop() {
    while (!closing) {
      C connection;
      try {
        connection = accept();
      } catch (IOException e) {
        if (!closing) {
          failed(e);
        }
        return;
      }
      sessions.incrementAndGet();
      open.add(connection);
      threads.execute(() -> serve(connection));
    }
  }

  private void serve(C connection) {
    try (connection) {
      echo(connection);
    } catch (IOException | RuntimeException e) {
      if (!closing) {
        failed(e);
      }
    } finally {
      open.remove(connection);
      sessions.decrementAndGet();
    }
  }

  private void failed(Exception e) {
    failures.incrementAndGet();
    if (firstFailure.compareAndSet(null, String.valueOf(e))) {
      System.err.println(name() + ": first failed connection: " + e);
    }
  }

  @Override
  public int sessions() {
    return sessions.get();
  }

  /** Connections that ended with an exception instead of the peer's close_notify. */
  long failures() {
    return failures.get();
  }

  @Override
  public long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  @Override
  public void close() {
    closing = true;
    try {
      closeListener();
    } catch (IOException e) {
      System.err.println(name() + ": closing the listener: " + e);
    }
    for (C connection : open) {
      try {
        connection.close();
      } catch (IOException e) {
        // it is going away either way
      }
    }
    threads.shutdownNow(); // not close(): that would wait for every connection's thread
  }
}
