package io.niotls.peers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An independent TLS tool (gnutls-cli, gnutls-serv, sslscan) run as a child process in a test
 * directory. Its stdout and stderr are collected together; {@link #close()} kills it if it is still
 * running. A tool that is not installed fails the test with the apt package to install.
 */
final class PeerProcess implements AutoCloseable {
  private final Process process;
  private final StringBuffer output = new StringBuffer();
  private final Thread reader;

  private PeerProcess(Process process) {
    this.process = process;
    this.reader = new Thread(this::collect, "peer-output-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  static PeerProcess start(Path dir, String... command) throws IOException {
    try {
      return new PeerProcess(
          new ProcessBuilder(List.of(command))
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .start());
    } catch (IOException e) {
      throw new IOException(
          command[0]
              + " could not be started (install it: apt-get install "
              + packageOf(command[0])
              + "): "
              + e.getMessage(),
          e);
    }
  }

  private static String packageOf(String tool) {
    return tool.startsWith("gnutls") ? "gnutls-bin" : tool;
  }

  /** A port nothing listens on right now, for a tool that cannot pick its own. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      return socket.getLocalPort();
    }
  }

  OutputStream stdin() {
    return process.getOutputStream();
  }

  void send(String text) throws IOException {
    stdin().write(text.getBytes(StandardCharsets.UTF_8));
    stdin().flush();
  }

  String output() {
    return output.toString();
  }

  /** Waits until the output contains {@code text}; fails with the output so far if it does not. */
  void await(String text, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (output.indexOf(text) < 0) {
      if (System.nanoTime() > deadline || !process.isAlive() && !reader.isAlive()) {
        throw new AssertionError("no \"" + text + "\" from the peer; it said:\n" + output);
      }
      Thread.sleep(10);
    }
  }

  /** Waits for the process to end and returns its exit code; fails if it does not end in time. */
  int exitCode(Duration limit) throws InterruptedException {
    if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the peer did not exit in " + limit + "; it said:\n" + output);
    }
    reader.join(limit.toMillis());
    return process.exitValue();
  }

  private void collect() {
    byte[] buffer = new byte[8192];
    try (InputStream in = process.getInputStream()) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        output.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
      }
    } catch (IOException ignored) {
      // the process was killed: what was read is all there is
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    reader.join(5_000);
  }
}
