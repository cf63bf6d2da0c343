package io.niotls.bench.vthreads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Virtual threads by reflection, or an error that names this JVM and what to run instead. */
class VirtualThreadsTest {
  @Test
  void aJvmOfRelease21OrLaterRunsTasksOnVirtualThreadsAndAnOlderOneSaysWhatToDo() throws Exception {
    if (Runtime.version().feature() < 21) {
      assertThatThrownBy(VirtualThreads::perTaskExecutor)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Java 21 or later")
          .hasMessageContaining("Java " + Runtime.version().feature())
          .hasMessageContaining(JavaBinary.PROPERTY);
      return;
    }
    ExecutorService threads = VirtualThreads.perTaskExecutor();
    try {
      Object virtual =
          threads
              .submit(() -> Thread.class.getMethod("isVirtual").invoke(Thread.currentThread()))
              .get(10, TimeUnit.SECONDS);
      assertThat(virtual).isEqualTo(true);
    } finally {
      threads.shutdown();
    }
  }
}
