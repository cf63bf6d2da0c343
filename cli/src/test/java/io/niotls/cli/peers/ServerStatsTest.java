package io.niotls.cli.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator;
import io.niotls.testing.ChildProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code niotls server --stats}: after {@code openssl s_client} resumes a session and another
 * s_client refuses the server's certificate, the periodic line counts the handshakes, the
 * resumption and the failure under the alert s_client sent.
 */
class ServerStatsTest {
  private static final Duration RUN = Duration.ofSeconds(30);
  private static final Pattern LINE =
      Pattern.compile(
          "stats: \\d+ active, (\\d+) handshakes \\((\\d+)% resumed; p50 [0-9.]+ ms, p99 [0-9.]+"
              + " ms\\), (\\d+) failed \\(([^)]*)\\), \\d+ B in, \\d+ B out");

  @TempDir static Path dir;
  private static Pki pki;

  @BeforeAll
  static void certificates() {
    Peer.require(Peer.OPENSSL);
    pki = Pki.create(dir);
  }

  @ParameterizedTest(name = "{0} provider")
  @ValueSource(strings = {"jdk", "openssl"})
  void thePeriodicLineCountsResumptionAndTheAlertOfARefusal(String provider) throws Exception {
    try (NiotlsServer server =
        NiotlsServer.start(pki, provider, "tls://127.0.0.1:0", "--stats", "200ms")) {
      String at = "127.0.0.1:" + server.port();
      Path session = dir.resolve("session-" + provider + ".pem");
      sClient(at, "-tls1_2", "-CAfile", pki.ca().toString(), "-sess_out", session.toString());
      sClient(at, "-tls1_2", "-CAfile", pki.ca().toString(), "-sess_in", session.toString());
      // trusts another CA only: refuses the server's certificate with unknown_ca
      Path stranger = dir.resolve("stranger-ca.pem");
      CertificateGenerator.ca("a CA nobody here uses").generate().writeCertificatePem(stranger);
      sClient(at, "-tls1_2", "-verify_return_error", "-CAfile", stranger.toString());

      long end = System.nanoTime() + RUN.toNanos();
      Matcher last = null;
      while (System.nanoTime() < end) {
        Matcher m = lastLine(server.process().err());
        if (m != null && m.group(3).equals("1") && m.group(1).equals("2")) {
          last = m;
          break;
        }
        Thread.sleep(100);
      }
      assertThat(last)
          .as("a stats line with 2 handshakes and 1 failure: %s", server.process().err())
          .isNotNull();
      assertThat(last.group(2)).as("percent resumed").isEqualTo("50");
      assertThat(last.group(4)).isEqualTo("alert unknown_ca: 1");
    }
  }

  private static Matcher lastLine(String err) {
    Matcher found = null;
    for (String line : err.split("\n")) {
      Matcher m = LINE.matcher(line);
      if (m.matches()) {
        found = m;
      }
    }
    return found;
  }

  private static void sClient(String at, String... options) throws Exception {
    String[] command = new String[4 + options.length];
    command[0] = "openssl";
    command[1] = "s_client";
    command[2] = "-connect";
    command[3] = at;
    System.arraycopy(options, 0, command, 4, options.length);
    try (ChildProcess s = ChildProcess.program(command)) {
      s.endInput();
      s.waitFor(RUN);
    }
  }
}
