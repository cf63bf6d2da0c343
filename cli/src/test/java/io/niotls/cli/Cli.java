package io.niotls.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the command in this JVM with captured streams and an empty stdin. */
final class Cli {
  private Cli() {}

  /** What a command line did: exit code, stdout, stderr. */
  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    return runWithInput("", args);
  }

  /** Runs with {@code stdin} as standard input. */
  static Result runWithInput(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Io io =
        new Io(
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    int code = Main.run(io, args);
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /**
   * Runs a command line on a background thread with {@code stdin}; its stdout lines can be awaited.
   */
  static Background start(String stdin, String... args) {
    return new Background(stdin, args);
  }

  /** A command running on its own thread. */
  static final class Background implements AutoCloseable {
    private final java.util.concurrent.BlockingQueue<String> lines =
        new java.util.concurrent.LinkedBlockingQueue<>();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final java.util.concurrent.CompletableFuture<Integer> exit =
        new java.util.concurrent.CompletableFuture<>();
    private final Thread thread;

    private Background(String stdin, String[] args) {
      java.io.OutputStream lineSplitter =
          new java.io.OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();

            @Override
            public synchronized void write(int b) {
              if (b == '\n') {
                lines.add(line.toString(StandardCharsets.UTF_8));
                line.reset();
              } else {
                line.write(b);
              }
            }
          };
      Io io =
          new Io(
              new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
              new PrintStream(lineSplitter, true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8));
      thread =
          new Thread(
              () -> {
                try {
                  exit.complete(Main.run(io, args));
                } catch (Throwable t) {
                  exit.completeExceptionally(t);
                }
              },
              "niotls " + String.join(" ", args));
      thread.setDaemon(true);
      thread.start();
    }

    /** The next stdout line, waiting at most {@code timeout}. */
    String nextLine(java.time.Duration timeout) throws InterruptedException {
      String line = lines.poll(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      if (line == null) {
        throw new AssertionError("no line within " + timeout + "; stderr: " + err());
      }
      return line;
    }

    /** The exit code, waiting at most {@code timeout}. */
    int exitCode(java.time.Duration timeout) throws Exception {
      return exit.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    String err() {
      synchronized (err) {
        return err.toString(StandardCharsets.UTF_8);
      }
    }

    /** Interrupts a command still running (a server waiting to be stopped) and waits for it. */
    @Override
    public void close() throws InterruptedException {
      thread.interrupt();
      thread.join(10_000);
    }
  }

  /** The command object of {@code name} with {@code args} parsed into it, not run. */
  @SuppressWarnings("unchecked")
  static <T> T parse(String name, String... args) {
    picocli.CommandLine root = Main.commandLine(new Io(System.in, System.out, System.err));
    String[] line = new String[args.length + 1];
    line[0] = name;
    System.arraycopy(args, 0, line, 1, args.length);
    root.parseArgs(line);
    return (T) root.getSubcommands().get(name).getCommand();
  }
}
