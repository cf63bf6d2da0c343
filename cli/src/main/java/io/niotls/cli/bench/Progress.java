package io.niotls.cli.bench;

import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows a bench's progress on stderr: a progress bar on a terminal, an occasional plain line
 * otherwise (CI logs get no control characters, and a short run prints nothing), or nothing. {@link
 * #update} may be called from any thread, as often as wanted.
 */
public interface Progress extends AutoCloseable {

  /** {@code done} of the total connections ended their attempt, {@code failed} of them failed. */
  void update(long done, long failed);

  @Override
  void close();

  /**
   * The progress display for {@code total} connections.
   *
   * @param terminal whether the process talks to a terminal ({@code System.console() != null})
   */
  static Progress create(PrintStream err, long total, boolean enabled, boolean terminal) {
    if (!enabled) {
      return new Progress() {
        @Override
        public void update(long done, long failed) {}

        @Override
        public void close() {}
      };
    }
    return terminal ? new Bar(err, total) : new Lines(err, total, 5_000_000_000L);
  }

  /** me.tongfei's progress bar, for terminals only: it sizes itself through JLine. */
  final class Bar implements Progress {
    private final ProgressBar bar;

    Bar(PrintStream err, long total) {
      bar =
          new ProgressBarBuilder()
              .setTaskName("handshakes")
              .setInitialMax(total)
              .setStyle(ProgressBarStyle.ASCII)
              .setUpdateIntervalMillis(200)
              .setConsumer(new ConsoleProgressBarConsumer(err))
              .showSpeed()
              .build();
    }

    @Override
    public void update(long done, long failed) {
      bar.stepTo(done);
      if (failed > 0) {
        bar.setExtraMessage(failed + " failed");
      }
    }

    @Override
    public void close() {
      bar.close();
    }
  }

  /** A plain line at most every {@code intervalNanos}: safe in any log. */
  final class Lines implements Progress {
    private final PrintStream err;
    private final long total;
    private final long intervalNanos;
    private long next;

    Lines(PrintStream err, long total, long intervalNanos) {
      this.err = err;
      this.total = total;
      this.intervalNanos = intervalNanos;
      this.next = System.nanoTime() + intervalNanos;
    }

    @Override
    public synchronized void update(long done, long failed) {
      long now = System.nanoTime();
      if (now - next >= 0 && done < total) {
        next = now + intervalNanos;
        err.printf(Locale.ROOT, "niotls bench: %d of %d done, %d failed%n", done, total, failed);
      }
    }

    @Override
    public void close() {}
  }
}
