package io.niotls.netty;

import io.niotls.testing.ChildProcess;
import io.niotls.testing.OpensslCa;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code openssl s_server} on 127.0.0.1 (a port of its own choosing) with a leaf of an {@link
 * OpensslCa}, for a number of connections; started and accepting.
 */
record OpensslServerProcess(ChildProcess process, int port) implements AutoCloseable {
  static final Duration LIMIT = Duration.ofSeconds(20);

  /**
   * Starts {@code s_server} in {@code dir} with {@code leaf} and its key {@code server.key} of
   * {@code ca}, for {@code connections} connections, with {@code more} options; returns once it
   * listens.
   */
  static OpensslServerProcess start(
      Path dir, OpensslCa ca, Path leaf, int connections, String... more) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "openssl",
                "s_server",
                "-accept",
                "127.0.0.1:0",
                "-cert",
                leaf.toString(),
                "-key",
                ca.file("server.key").toString(),
                "-naccept",
                Integer.toString(connections)));
    command.addAll(List.of(more));
    ChildProcess process = ChildProcess.inDirectory(dir, command.toArray(new String[0]));
    try {
      String accept = process.awaitLine(line -> line.startsWith("ACCEPT "), LIMIT);
      return new OpensslServerProcess(
          process, Integer.parseInt(accept.substring(accept.lastIndexOf(':') + 1)));
    } catch (Exception | Error e) {
      process.close();
      throw e;
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.close();
  }
}
