package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * The process's open file descriptors and their limit, read from {@code /proc/self} (Linux, where
 * CI runs). Every socket, selector and open jar is one; tests compare counts before and after.
 */
final class Descriptors {
  private Descriptors() {}

  /** How many descriptors the process has open now. */
  static int open() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return (int) fds.count() - 1; // the listing's own directory descriptor
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list /proc/self/fd", e);
    }
  }

  /** The soft limit on open descriptors ({@code ulimit -n}) of this process. */
  static long softLimit() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
        if (line.startsWith("Max open files")) {
          String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
          return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read /proc/self/limits", e);
    }
    throw new IllegalStateException("no 'Max open files' line in /proc/self/limits");
  }

  /** Fails, saying how to fix it, unless {@code more} descriptors fit under the soft limit. */
  static void requireRoom(int more, String forWhat) {
    long limit = softLimit();
    long needed = open() + (long) more;
    assertThat(needed)
        .as(
            "%s needs %d more file descriptors (%d with those open now), but the soft limit is %d:"
                + " raise it with 'ulimit -n %d' (or more) before running the tests;"
                + " .ci/run does so",
            forWhat, more, needed, limit, Math.max(needed, 65_536))
        .isLessThanOrEqualTo(limit);
  }

  /**
   * The open count once it has not changed for 200 ms (at most 5 s): a closed channel's descriptor
   * is released only when its selector next runs, a moment after the close.
   */
  static int settled() throws InterruptedException {
    int last = open();
    for (int i = 0; i < 25; i++) {
      Thread.sleep(200);
      int now = open();
      if (now == last) {
        return now;
      }
      last = now;
    }
    return last;
  }

  /**
   * Waits up to {@code limit} for the open count to come down to {@code target}, and returns the
   * count then.
   */
  static int awaitAtMost(int target, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    int now = open();
    while (now > target && System.nanoTime() < deadline) {
      Thread.sleep(20);
      now = open();
    }
    return now;
  }
}
