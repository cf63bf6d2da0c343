package io.niotls.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child process — a peer such as openssl, gnutls, curl or Python, the niotls command, or a
 * class's {@code main} in a JVM of its own — whose stdout and stderr are read by daemon threads, so
 * it never blocks on a full pipe. Stdout is kept whole ({@link #out()}, for text that ends without
 * a newline, such as a prompt) and in lines ({@link #nextLine}, {@link #awaitLine}); stderr is kept
 * apart ({@link #err()}) unless the process was started with the two merged ({@link #inDirectory}).
 * Every wait is bounded and fails with what the process said; {@link #close()} kills what is still
 * running: use try-with-resources.
 */
public final class ChildProcess implements AutoCloseable {
  private static final String EOF = "\u0000EOF";
  private static final int KEPT_ERR = 256 * 1024;

  private final String name;
  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final StringBuilder out = new StringBuilder(); // whole lines, each ended by \n
  private final StringBuilder partial = new StringBuilder(); // the line not ended yet
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final Thread outReader;
  private final Thread errReader;

  private ChildProcess(ProcessBuilder builder) throws IOException {
    List<String> command = builder.command();
    name = Path.of(command.get(0)).getFileName().toString();
    // the command's debug switch would interleave engine traces with what the tests read
    builder.environment().remove("NIOTLS_DEBUG");
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new IOException(
          "cannot start "
              + command.get(0)
              + " ("
              + e.getMessage()
              + "); is it installed? .ci/run installs the peers the tests use",
          e);
    }
    outReader = daemon(this::readOut, "stdout of " + name);
    errReader = daemon(this::readErr, "stderr of " + name);
  }

  /** Starts {@code builder}'s command as it is set up (directory, redirects, environment). */
  public static ChildProcess start(ProcessBuilder builder) throws IOException {
    return new ChildProcess(builder);
  }

  /** Any program, such as openssl or curl, found on PATH or by its path. */
  public static ChildProcess program(String... command) throws IOException {
    return start(new ProcessBuilder(command));
  }

  /**
   * Any program, reading its stdin from {@code input} and writing its stdout to {@code output}: for
   * binary data, which {@link #out()} would mangle. {@link #out()} stays empty; {@link #err()} is
   * kept as usual.
   */
  public static ChildProcess program(Path input, Path output, String... command)
      throws IOException {
    return start(
        new ProcessBuilder(command).redirectInput(input.toFile()).redirectOutput(output.toFile()));
  }

  /**
   * A peer run in {@code dir} (where its certificates and scripts are), its stderr merged into
   * stdout: peers print what matters on either.
   */
  public static ChildProcess inDirectory(Path dir, String... command) throws IOException {
    return start(new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true));
  }

  /** {@code main}'s class run in a JVM of its own, on this JVM's class path. */
  public static ChildProcess java(Class<?> main, String... args) throws IOException {
    return start(new ProcessBuilder(javaCommand(List.of(), main.getName(), args)));
  }

  /**
   * The command line of a JVM of its own running {@code mainClass} on this JVM's class path, with
   * {@code jvmOptions} (such as {@code -Xmx}) before the class: for a caller that sets up the rest
   * of the {@link ProcessBuilder} itself.
   */
  public static List<String> javaCommand(
      List<String> jvmOptions, String mainClass, String... args) {
    // surefire runs tests from a manifest-only jar and names the real class path here
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classPath);
    command.add(mainClass);
    command.addAll(List.of(args));
    return command;
  }

  /** The next stdout line, waiting at most {@code timeout}; fails if none comes. */
  public String nextLine(Duration timeout) throws InterruptedException {
    String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (line == null || line.equals(EOF)) {
      if (line != null) {
        lines.add(EOF); // every later wait sees the end too
      }
      throw new AssertionError(
          name
              + (line == null ? " printed no line within " + timeout : "'s stdout ended")
              + "; it said: "
              + said());
    }
    return line;
  }

  /**
   * Skips stdout lines up to the first that {@code wanted} accepts and returns it, waiting at most
   * {@code timeout} in all; fails if none comes.
   */
  public String awaitLine(Predicate<String> wanted, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String line = lines.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
      if (line == null || line.equals(EOF)) {
        if (line != null) {
          lines.add(EOF);
        }
        throw new AssertionError(
            name
                + (line == null
                    ? " printed no such line within " + timeout
                    : "'s stdout ended without such a line")
                + "; it said: "
                + said());
      }
      if (wanted.test(line)) {
        return line;
      }
    }
  }

  /**
   * Waits until stdout contains {@code text}, in whole lines or not (a prompt has no newline), and
   * returns the line it is in; fails with everything said if it does not come in time.
   */
  public String await(String text, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String all = out();
      int at = all.indexOf(text);
      if (at >= 0) {
        int start = all.lastIndexOf('\n', at) + 1;
        int end = all.indexOf('\n', at);
        return all.substring(start, end < 0 ? all.length() : end);
      }
      if (System.nanoTime() > deadline || !process.isAlive() && !outReader.isAlive()) {
        throw new AssertionError(
            name + " never printed \"" + text + "\" within " + timeout + "; it said: " + said());
      }
      Thread.sleep(10);
    }
  }

  /** Its stdin, for a caller that writes bytes. */
  public OutputStream stdin() {
    return process.getOutputStream();
  }

  /** Writes {@code text} (UTF-8) to its stdin as it is. */
  public ChildProcess write(String text) throws IOException {
    OutputStream in = process.getOutputStream();
    in.write(text.getBytes(StandardCharsets.UTF_8));
    in.flush();
    return this;
  }

  /** Writes {@code line} and a newline to its stdin. */
  public ChildProcess sendLine(String line) throws IOException {
    return write(line + "\n");
  }

  /** Closes its stdin: end of input. */
  public ChildProcess endInput() throws IOException {
    process.getOutputStream().close();
    return this;
  }

  /**
   * Waits for it to exit and returns the exit code, once its output is read to the end; fails if it
   * takes longer than {@code timeout}.
   */
  public int waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " still runs after " + timeout + "; it said: " + said());
    }
    outReader.join(5_000);
    errReader.join(5_000);
    return process.exitValue();
  }

  /**
   * Whether it has exited within {@code timeout}; it is not killed when it has not. When it has,
   * {@link #out()} and {@link #err()} hold all it printed: its pipes are read to their end first.
   */
  public boolean exited(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return false;
    }
    outReader.join(5_000);
    errReader.join(5_000);
    return true;
  }

  /** Its exit code; throws {@link IllegalThreadStateException} while it still runs. */
  public int exitValue() {
    return process.exitValue();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  /**
   * Sends SIGTERM. Through the process handle: {@link Process#destroy()} would also close our ends
   * of its pipes, and what it prints while shutting down would be lost.
   */
  public void terminate() {
    process.toHandle().destroy();
  }

  /**
   * Everything it printed on stdout so far (with stderr, when the two are merged): its lines, each
   * ended by {@code \n} whatever ended it, then the line not ended yet, such as a prompt.
   */
  public String out() {
    synchronized (out) {
      return out.toString() + partial;
    }
  }

  /** Everything it printed on stderr so far (its first 256 KiB); empty when merged into stdout. */
  public String err() {
    synchronized (err) {
      return err.toString(StandardCharsets.UTF_8);
    }
  }

  /** Kills it if it still runs, and waits for it to go. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
    outReader.join(5_000);
  }

  private String said() {
    String err = err();
    return "stdout:\n" + out() + (err.isEmpty() ? "" : "\nstderr:\n" + err);
  }

  private void readOut() {
    char[] chunk = new char[8192];
    try (Reader reader = new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)) {
      for (int n = reader.read(chunk); n >= 0; n = reader.read(chunk)) {
        synchronized (out) {
          for (int i = 0; i < n; i++) {
            take(chunk[i]);
          }
        }
      }
    } catch (IOException gone) {
      // the process went away: what was read is all there is
    } finally {
      synchronized (out) {
        if (partial.length() > 0) {
          lines.add(partial.toString());
          out.append(partial).append('\n');
          partial.setLength(0);
        }
      }
      lines.add(EOF);
    }
  }

  /** Adds one character of stdout (holding out's lock): a line ends at LF, a CR before it goes. */
  private void take(char c) {
    if (c != '\n') {
      partial.append(c);
      return;
    }
    int end = partial.length();
    String line = partial.substring(0, end > 0 && partial.charAt(end - 1) == '\r' ? end - 1 : end);
    partial.setLength(0);
    out.append(line).append('\n');
    lines.add(line);
  }

  private void readErr() {
    byte[] buffer = new byte[8192];
    try (InputStream in = process.getErrorStream()) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        synchronized (err) {
          if (err.size() < KEPT_ERR) {
            err.write(buffer, 0, n);
          }
        }
      }
    } catch (IOException gone) {
      // the process went away
    }
  }

  private static Thread daemon(Runnable task, String name) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
