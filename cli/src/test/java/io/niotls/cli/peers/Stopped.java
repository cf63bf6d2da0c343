package io.niotls.cli.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The last line a stopping {@code niotls server} prints on stderr, taken apart: {@code stopped: 3
 * connections served (3 handshakes, 0 failed; 1 closed by the peer with 8192 bytes unsent)}. The
 * part after {@code ;} is there only when sessions ended with bytes the server could not send.
 *
 * @param line the whole line
 * @param connections connections served
 * @param sessionsWithUnsent sessions closed with bytes unsent, 0 when the line reports none
 * @param bytesUnsent bytes those sessions discarded, 0 when the line reports none
 */
record Stopped(String line, long connections, long sessionsWithUnsent, long bytesUnsent) {
  private static final Pattern STOPPED = Pattern.compile("stopped: (\\d+) connections served.*");
  private static final Pattern UNSENT = Pattern.compile(";\\s*(\\d+)\\D[^;]*?(\\d+) bytes unsent");

  static Stopped parse(String stderr) {
    String line =
        stderr.lines().filter(l -> l.startsWith("stopped: ")).reduce((a, b) -> b).orElse(null);
    assertThat(line).as("the server's stopped line; stderr: %s", stderr).isNotNull();
    Matcher stopped = STOPPED.matcher(line);
    assertThat(stopped.matches()).as("stopped line: %s", line).isTrue();
    Matcher unsent = UNSENT.matcher(line);
    return unsent.find()
        ? new Stopped(
            line,
            Long.parseLong(stopped.group(1)),
            Long.parseLong(unsent.group(1)),
            Long.parseLong(unsent.group(2)))
        : new Stopped(line, Long.parseLong(stopped.group(1)), 0, 0);
  }
}
