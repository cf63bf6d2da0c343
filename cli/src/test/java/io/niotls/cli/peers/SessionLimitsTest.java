package io.niotls.cli.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.testing.ChildProcess;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code niotls server --idle-timeout} as {@code openssl s_client} sees it: a client that says
 * nothing is closed with close_notify (s_client prints {@code closed}; a bare EOF would be {@code
 * read:errno=0}) and the server's closing line counts it.
 */
class SessionLimitsTest {
  private static final Duration RUN = Duration.ofSeconds(30);

  @TempDir static Path dir;
  private static Pki pki;

  @BeforeAll
  static void certificates() {
    Peer.require(Peer.OPENSSL);
    pki = Pki.create(dir);
  }

  @ParameterizedTest(name = "{0} provider")
  @ValueSource(strings = {"jdk", "openssl"})
  void aSilentClientIsClosedWithCloseNotifyAfterTheIdleTimeout(String provider) throws Exception {
    try (NiotlsServer server =
        NiotlsServer.start(pki, provider, "tls://127.0.0.1:0", "--idle-timeout", "1s")) {
      long start = System.nanoTime();
      try (ChildProcess sClient =
          ChildProcess.program(
              "openssl", "s_client", "-connect", "127.0.0.1:" + server.port(), "-tls1_3")) {
        // stdin stays open: s_client waits for the server, which closes the session itself
        assertThat(sClient.waitFor(RUN)).isZero();
        assertThat(sClient.out()).contains("\nclosed\n").doesNotContain("read:errno");
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(900));
      server.process().terminate();
      server.process().waitFor(RUN);
      assertThat(server.process().err()).contains("(1 handshakes, 0 failed; 1 closed idle)");
    }
  }
}
