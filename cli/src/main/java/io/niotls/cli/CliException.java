package io.niotls.cli;

/**
 * A failure the command reports as one line, {@code niotls: <message>}, with an exit code: {@link
 * Main#USAGE} for options that cannot work together, {@link Main#FAILED} for things that went wrong
 * while running (a refused connection, a failed handshake).
 */
public final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  private CliException(String message, int exitCode, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** Bad input: exit code 2. */
  public static CliException usage(String message) {
    return new CliException(message, Main.USAGE, null);
  }

  /** A failure at run time: exit code 1. */
  public static CliException failed(String message, Throwable cause) {
    return new CliException(message, Main.FAILED, cause);
  }

  public int exitCode() {
    return exitCode;
  }
}
