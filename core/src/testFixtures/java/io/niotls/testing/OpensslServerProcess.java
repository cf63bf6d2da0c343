package io.niotls.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code openssl s_server} on 127.0.0.1, on a port it picks itself (read from its {@code ACCEPT}
 * line, so no other process can take the port between our choosing it and its binding it), for a
 * number of connections; started and accepting.
 *
 * @param process the running server: what it prints, and {@link ChildProcess#await} on it
 * @param port where it accepts
 */
public record OpensslServerProcess(ChildProcess process, int port) implements AutoCloseable {
  /** How long it may take to start, and what {@link #await} waits at most. */
  public static final Duration LIMIT = Duration.ofSeconds(20);

  /**
   * Starts {@code openssl s_server -accept 127.0.0.1:0 -naccept connections} (no limit when {@code
   * connections} is 0) with {@code options} (certificate, key, protocol flags...) in {@code dir};
   * returns once it accepts.
   */
  public static OpensslServerProcess start(Path dir, int connections, String... options)
      throws Exception {
    List<String> command =
        new ArrayList<>(List.of("openssl", "s_server", "-accept", "127.0.0.1:0"));
    if (connections > 0) {
      command.addAll(List.of("-naccept", Integer.toString(connections)));
    }
    command.addAll(List.of(options));
    ChildProcess process = ChildProcess.inDirectory(dir, command.toArray(new String[0]));
    try {
      String accept = process.awaitLine(line -> line.startsWith("ACCEPT "), LIMIT);
      return new OpensslServerProcess(
          process, Integer.parseInt(accept.substring(accept.lastIndexOf(':') + 1).trim()));
    } catch (Exception | Error e) {
      process.close();
      throw e;
    }
  }

  /** Waits until the server has printed {@code text}; fails with what it printed if it does not. */
  public String await(String text) throws InterruptedException {
    return process.await(text, LIMIT);
  }

  @Override
  public void close() throws InterruptedException {
    process.close();
  }
}
