package io.niotls.bench.loop;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * CPU time of a set of threads named by prefix (an event-loop group's threads). Threads that have
 * ended no longer count, so sample while the group runs: differences between two samples of a group
 * whose threads all live are exact.
 */
final class ThreadCpu {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final List<String> prefixes;

  ThreadCpu(List<String> prefixes) {
    this.prefixes = List.copyOf(prefixes);
  }

  /** CPU nanoseconds used so far by the live threads whose names start with a prefix. */
  long nanos() {
    long total = 0;
    for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info != null && matches(info.getThreadName())) {
        long cpu = THREADS.getThreadCpuTime(info.getThreadId());
        if (cpu > 0) {
          total += cpu;
        }
      }
    }
    return total;
  }

  private boolean matches(String name) {
    for (String prefix : prefixes) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /** The CPU of every thread of the niotls loop group whose loop thread is named {@code loop}. */
  static ThreadCpu ofNiotlsGroup(String loopThreadName) {
    // "niotls-loop-G-I": the group's loops are "niotls-loop-G-", its workers "niotls-task-G-"
    String group = loopThreadName.substring(0, loopThreadName.lastIndexOf('-') + 1);
    return new ThreadCpu(List.of(group, group.replace("niotls-loop-", "niotls-task-")));
  }
}
