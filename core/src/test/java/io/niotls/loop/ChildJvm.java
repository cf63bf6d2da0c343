package io.niotls.loop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A test class's {@code main} run in a JVM of its own, on this JVM's class path, talked to in lines
 * over its standard input and output. Its standard error is kept for failure messages. Closing it
 * kills what is still running.
 */
final class ChildJvm implements AutoCloseable {
  private final Process process;
  private final PrintStream in;
  private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final StringBuilder err = new StringBuilder();

  private ChildJvm(Process process) {
    this.process = process;
    this.in = new PrintStream(process.getOutputStream(), true, StandardCharsets.US_ASCII);
    pump(process.getInputStream(), lines::add, "stdout");
    pump(process.getErrorStream(), this::keepError, "stderr");
  }

  /** Starts {@code main} with {@code args}. */
  static ChildJvm start(Class<?> main, String... args) throws IOException {
    // surefire runs tests from a manifest-only jar; it names the real class path here
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(classPath);
    command.add(main.getName());
    command.addAll(List.of(args));
    return new ChildJvm(new ProcessBuilder(command).start());
  }

  /** Sends one line. */
  void send(String line) {
    in.println(line);
  }

  /** The next line it printed, waiting at most {@code limit}; fails saying what it said. */
  String next(Duration limit) throws InterruptedException {
    String line = lines.poll(limit.toMillis(), TimeUnit.MILLISECONDS);
    if (line == null) {
      throw new AssertionError("no line from the child JVM within " + limit + "; stderr: " + err());
    }
    return line;
  }

  int waitFor(Duration limit) throws InterruptedException {
    if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the child JVM did not exit within " + limit + "; stderr: " + err());
    }
    return process.exitValue();
  }

  String err() {
    synchronized (err) {
      return err.toString();
    }
  }

  private void keepError(String line) {
    synchronized (err) {
      if (err.length() < 64 * 1024) {
        err.append(line).append('\n');
      }
    }
  }

  private static void pump(InputStream stream, java.util.function.Consumer<String> sink, String n) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                  sink.accept(line);
                }
              } catch (IOException ended) {
                // the child is gone
              }
            },
            "child-jvm-" + n);
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws InterruptedException {
    in.close();
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
