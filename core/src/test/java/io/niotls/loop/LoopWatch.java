package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.context.TlsContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Watches for failures that escape a session: an uncaught exception on any thread, and every
 * warning niotls logs (a loop logs what a session let through, "unexpected failure", and a loop
 * that dies logs that it does). {@link #assertNothingEscaped()} fails on either; {@link #serves}
 * proves the server's loops are alive by running an exchange on each. Install before the server
 * starts, close after; not for tests running in parallel with others that log on purpose.
 */
final class LoopWatch implements AutoCloseable {
  private final Logger niotls = Logger.getLogger("io.niotls"); // strong: JUL holds loggers weakly
  private final List<String> problems = new ArrayList<>();
  private final Thread.UncaughtExceptionHandler previous;
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
            record(r.getLevel() + " " + r.getMessage() + " " + r.getThrown());
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  LoopWatch() {
    niotls.addHandler(handler);
    previous = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler(
        (thread, e) -> record("uncaught on " + thread.getName() + ": " + e));
  }

  private synchronized void record(String problem) {
    problems.add(problem);
  }

  /** No uncaught exception and no niotls warning since this watch was installed. */
  synchronized void assertNothingEscaped() {
    assertThat(problems).as("exceptions that escaped a session").isEmpty();
  }

  /**
   * Every loop of {@code server} still serves: as many sequential clients as it has loops (accepted
   * sessions go to its loops in turn) each complete a handshake within 20 s and close cleanly.
   */
  static void serves(TlsServer server, TlsContext clientContext) throws Exception {
    try (TlsClient client = TlsClient.create(ClientOptions.builder().loopCount(1).build())) {
      for (int i = 0; i < server.loops().size(); i++) {
        TlsSession session =
            client.connect(server.uri(), clientContext, new Recorder()).get(20, TimeUnit.SECONDS);
        session.close().get(20, TimeUnit.SECONDS);
      }
    }
  }

  @Override
  public void close() {
    niotls.removeHandler(handler);
    Thread.setDefaultUncaughtExceptionHandler(previous);
  }
}
