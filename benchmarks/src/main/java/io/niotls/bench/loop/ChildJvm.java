package io.niotls.bench.loop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A child JVM on this class path, spoken to by lines on stdin and stdout. */
final class ChildJvm implements AutoCloseable {
  private final Process process;
  private final PrintWriter to;
  private final BufferedReader from;

  private ChildJvm(Process process) {
    this.process = process;
    this.to = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    this.from =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  static ChildJvm start(List<String> jvmArgsAndMain) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.addAll(jvmArgsAndMain);
    return new ChildJvm(
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
  }

  void send(String line) {
    to.println(line);
  }

  String ask(String command, String answer) throws IOException {
    send(command);
    return expect(answer);
  }

  /** The next line that starts with {@code word}; other lines are passed through. */
  String expect(String word) throws IOException {
    for (String line = from.readLine(); line != null; line = from.readLine()) {
      if (line.startsWith(word + " ") || line.equals(word)) {
        return line;
      }
      System.out.println("  | " + line);
    }
    throw new IOException("the child process ended before saying " + word);
  }

  @Override
  public void close() throws InterruptedException {
    to.close();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
