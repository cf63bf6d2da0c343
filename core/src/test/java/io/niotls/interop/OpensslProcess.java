package io.niotls.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** An {@code openssl s_server} or {@code s_client} child process whose output lines are queued. */
public final class OpensslProcess implements AutoCloseable {
  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> seen = new ArrayList<>();

  private OpensslProcess(Path dir, List<String> command) throws IOException {
    process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  lines.add(line);
                }
              } catch (IOException ignored) {
                // the process ended
              }
            },
            "openssl-output");
    reader.setDaemon(true);
    reader.start();
  }

  public static OpensslProcess start(Path dir, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    return new OpensslProcess(dir, command);
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Waits for an output line containing {@code text}; fails with all output seen so far. */
  public String await(String text, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      String line = lines.poll(50, TimeUnit.MILLISECONDS);
      if (line != null) {
        seen.add(line);
        if (line.contains(text)) {
          return line;
        }
      }
    }
    throw new AssertionError("openssl never printed '" + text + "'; it printed: " + seen);
  }

  /** Every line printed so far (drains the queue). */
  public List<String> output() {
    lines.drainTo(seen);
    return List.copyOf(seen);
  }

  public OutputStream stdin() {
    return process.getOutputStream();
  }

  public boolean waitFor(Duration limit) throws InterruptedException {
    return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(2, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
    }
  }
}
