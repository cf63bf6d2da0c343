package io.niotls.cli;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
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
 * A child process (the niotls command on this test's class path, or any program such as openssl or
 * curl) whose stdout lines and stderr are collected by threads, so it never blocks on a full pipe.
 * {@link #close()} destroys it: use try-with-resources.
 */
public final class NiotlsProcess implements AutoCloseable {
  private static final String EOF = "\u0000EOF";

  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final StringBuilder out = new StringBuilder();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final Thread outReader;
  private final Thread errReader;

  private NiotlsProcess(List<String> command) throws IOException {
    this(new ProcessBuilder(command));
  }

  private NiotlsProcess(ProcessBuilder builder) throws IOException {
    List<String> command = builder.command();
    builder.environment().remove("NIOTLS_DEBUG");
    process = builder.start();
    outReader = new Thread(this::readOut, "stdout of " + command.get(0));
    errReader =
        new Thread(() -> copy(process.getErrorStream(), err), "stderr of " + command.get(0));
    outReader.setDaemon(true);
    errReader.setDaemon(true);
    outReader.start();
    errReader.start();
  }

  /** {@code java -cp <this test's class path> io.niotls.cli.Main args...}. */
  public static NiotlsProcess niotls(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("io.niotls.cli.Main");
    command.addAll(List.of(args));
    return new NiotlsProcess(command);
  }

  /** Any program, such as openssl or curl. */
  public static NiotlsProcess program(String... command) throws IOException {
    return new NiotlsProcess(List.of(command));
  }

  /**
   * Any program, reading its stdin from {@code input} and writing its stdout to {@code output}: for
   * binary data, which {@link #out()} would mangle. {@link #out()} stays empty; {@link #err()} is
   * collected as usual.
   */
  public static NiotlsProcess program(Path input, Path output, String... command)
      throws IOException {
    return new NiotlsProcess(
        new ProcessBuilder(command).redirectInput(input.toFile()).redirectOutput(output.toFile()));
  }

  /** The next stdout line, waiting at most {@code timeout}; fails the test if none comes. */
  public String nextLine(Duration timeout) throws InterruptedException {
    String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (line == null || line.equals(EOF)) {
      throw new AssertionError(
          (line == null ? "no line within " + timeout : "stdout ended") + "; stderr: " + err());
    }
    return line;
  }

  /**
   * Skips stdout lines up to the first that {@code wanted} accepts and returns it, waiting at most
   * {@code timeout} in all; fails the test if none comes.
   */
  public String awaitLine(Predicate<String> wanted, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String line = lines.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
      if (line != null && !line.equals(EOF) && wanted.test(line)) {
        return line;
      }
      if (line == null || line.equals(EOF)) {
        throw new AssertionError(
            (line == null ? "no such line within " + timeout : "stdout ended without it")
                + "; stdout: "
                + out()
                + "; stderr: "
                + err());
      }
    }
  }

  /** Writes to its stdin. */
  public NiotlsProcess write(String text) throws IOException {
    OutputStream in = process.getOutputStream();
    in.write(text.getBytes(StandardCharsets.UTF_8));
    in.flush();
    return this;
  }

  /** Closes its stdin: end of input. */
  public NiotlsProcess endInput() throws IOException {
    process.getOutputStream().close();
    return this;
  }

  /** Waits for it to exit and returns the exit code; fails the test if it takes longer. */
  public int waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("still running after " + timeout + "; stderr: " + err());
    }
    outReader.join(5_000);
    errReader.join(5_000);
    return process.exitValue();
  }

  /**
   * Sends SIGTERM. Through the process handle: Process.destroy() would also close our ends of its
   * pipes, and what it prints while shutting down would be lost.
   */
  public void terminate() {
    process.toHandle().destroy();
  }

  /** Its process id, for signals such as SIGHUP. */
  public long pid() {
    return process.pid();
  }

  /** Everything it printed on stdout so far (whole lines). */
  public String out() {
    synchronized (out) {
      return out.toString();
    }
  }

  public String err() {
    synchronized (err) {
      return err.toString(StandardCharsets.UTF_8);
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }

  private void readOut() {
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        synchronized (out) {
          out.append(line).append('\n');
        }
        lines.add(line);
      }
    } catch (IOException e) {
      // the process went away
    } finally {
      lines.add(EOF);
    }
  }

  private void copy(InputStream from, ByteArrayOutputStream to) {
    byte[] buffer = new byte[8192];
    try {
      int n;
      while ((n = from.read(buffer)) > 0) {
        synchronized (to) {
          to.write(buffer, 0, n);
        }
      }
    } catch (IOException e) {
      // the process went away
    }
  }
}
