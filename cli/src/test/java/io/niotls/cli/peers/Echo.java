package io.niotls.cli.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/**
 * What one client sent to an echo server and what came back.
 *
 * @param client who sent it, for messages
 * @param sent bytes sent
 * @param received bytes of echo received
 * @param prefix whether the received bytes equal the start of the sent ones (all of them when
 *     {@code received == sent})
 */
record Echo(String client, long sent, long received, boolean prefix) {
  boolean whole() {
    return received == sent && prefix;
  }

  /**
   * The half-close contract: every echo came back whole, or the server lost some and said so. An
   * echo that came back short must still be an uncorrupted start of what was sent, and the server's
   * stopped line must count at least that many sessions closed with bytes unsent. A short echo with
   * no report fails.
   */
  static void assertWholeOrReported(List<Echo> echoes, Stopped stopped) {
    for (Echo echo : echoes) {
      assertThat(echo.prefix)
          .as(
              "%s: the echo that arrived (%d bytes) is the start of what was sent",
              echo, echo.received)
          .isTrue();
      assertThat(echo.received)
          .as("%s: no more echo than sent", echo)
          .isLessThanOrEqualTo(echo.sent);
    }
    List<Echo> shortEchoes = echoes.stream().filter(e -> !e.whole()).toList();
    if (!shortEchoes.isEmpty()) {
      assertThat(stopped.sessionsWithUnsent())
          .as(
              "echoes came back short (%s), so the server must report the loss: '%s'",
              shortEchoes, stopped.line())
          .isGreaterThanOrEqualTo(shortEchoes.size());
      assertThat(stopped.bytesUnsent())
          .as("bytes the server reports unsent: '%s'", stopped.line())
          .isPositive();
    }
  }
}
