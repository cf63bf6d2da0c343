package io.niotls.netty;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** curl's command line as the adapter's tests run it against a server on 127.0.0.1. */
final class Curl {
  private Curl() {}

  /**
   * {@code curl --silent --show-error --max-time 30 --cacert CA --resolve localhost:PORT:127.0.0.1
   * OPTIONS... URL}: the server is reached as {@code localhost} (the test certificate's name) on
   * loopback, trusting the test CA only.
   */
  static List<String> command(Path ca, int port, String url, String... options) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "curl",
                "--silent",
                "--show-error",
                "--max-time",
                "30",
                "--cacert",
                ca.toString(),
                "--resolve",
                "localhost:" + port + ":127.0.0.1"));
    command.addAll(List.of(options));
    command.add(url);
    return command;
  }
}
