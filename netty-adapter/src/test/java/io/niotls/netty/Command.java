package io.niotls.netty;

import io.niotls.testing.ChildProcess;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** A command line run to its end within a bound (curl, h2load), its output kept. */
record Command(int exit, String stdout, String stderr) {

  /**
   * Runs {@code command} with its input closed; fails when it takes longer than {@code seconds}.
   *
   * @throws AssertionError when the program is not installed (.ci/run installs them)
   */
  static Command run(long seconds, List<String> command) throws InterruptedException {
    try (ChildProcess p = ChildProcess.program(command.toArray(new String[0]))) {
      p.endInput();
      int exit = p.waitFor(Duration.ofSeconds(seconds));
      return new Command(exit, p.out(), p.err());
    } catch (IOException e) {
      throw new AssertionError(command.get(0) + " is needed (.ci/run installs it)", e);
    }
  }
}
