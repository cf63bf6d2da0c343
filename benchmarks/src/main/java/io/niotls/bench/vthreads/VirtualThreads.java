package io.niotls.bench.vthreads;

import java.lang.reflect.InvocationTargetException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Virtual threads for code compiled at release 17: {@code
 * Executors.newVirtualThreadPerTaskExecutor()} reached by reflection, with an error that says what
 * to do when this JVM has none.
 */
public final class VirtualThreads {
  private VirtualThreads() {}

  /**
   * An executor that starts a new virtual thread for every task.
   *
   * @throws IllegalStateException when this JVM is older than Java 21
   */
  public static ExecutorService perTaskExecutor() {
    try {
      return (ExecutorService)
          Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(
          "the virtual-thread servers need Java 21 or later, and this JVM is Java "
              + Runtime.version().feature()
              + " ("
              + System.getProperty("java.home")
              + "); run the server JVM on a newer one (-D"
              + JavaBinary.PROPERTY
              + "=/path/to/jdk-21+/bin/java, or --java)",
          e);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot reach newVirtualThreadPerTaskExecutor: " + e, e);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(
          "newVirtualThreadPerTaskExecutor failed: " + e.getCause(), e.getCause());
    }
  }
}
