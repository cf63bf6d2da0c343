package io.niotls.cli;

import java.io.InputStream;
import java.io.PrintStream;

/**
 * The streams a command talks through: the process's own in {@link Main}, captured ones in tests.
 * What scripts read goes to {@code out} (the server's {@code listening} line, the client's received
 * bytes, the bench results); summaries, progress and errors go to {@code err}.
 */
public record Io(InputStream in, PrintStream out, PrintStream err) {

  /** System.in, System.out and System.err. */
  public static Io system() {
    return new Io(System.in, System.out, System.err);
  }
}
