package io.niotls.cli.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.testing.ChildProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code gnutls-cli}, a TLS stack that shares no code with the JDK or OpenSSL, completes a
 * handshake with {@code niotls server} at the version its priority string pins, checks the
 * certificate and the name, and gets a line echoed.
 */
class GnutlsClientTest {
  private static final Duration RUN = Duration.ofSeconds(30);

  @TempDir static Path dir;

  private static Pki pki;
  private static Map<String, NiotlsServer> servers;

  @BeforeAll
  static void startServers() throws Exception {
    Peer.require(Peer.GNUTLS_CLI);
    pki = Pki.create(dir);
    servers = NiotlsServer.onEachProvider(pki, "tls://127.0.0.1:0");
  }

  @AfterAll
  static void stopServers() throws Exception {
    NiotlsServer.closeAll(servers);
  }

  @ParameterizedTest(name = "{0} provider, TLS {1}")
  @CsvSource({"jdk, 1.2", "jdk, 1.3", "openssl, 1.2", "openssl, 1.3"})
  void gnutlsCliHandshakesAtThePinnedVersionAndGetsALineEchoed(String provider, String version)
      throws Exception {
    try (ChildProcess gnutls =
        ChildProcess.program(
            "gnutls-cli",
            "--x509cafile",
            pki.ca().toString(),
            "--priority",
            "NORMAL:-VERS-ALL:+VERS-TLS" + version,
            "--sni-hostname",
            Pki.NAME,
            "--verify-hostname",
            Pki.NAME,
            "--port",
            String.valueOf(servers.get(provider).port()),
            "127.0.0.1")) {
      String line = "gnutls over TLS " + version + " via " + provider;
      gnutls.write(line + "\n");
      gnutls.awaitLine(line::equals, RUN);
      gnutls.endInput(); // gnutls-cli sends close_notify and ends
      assertThat(gnutls.waitFor(RUN)).as(gnutls.err()).isZero();
      String printed = gnutls.out() + gnutls.err();
      assertThat(printed)
          .contains("- Status: The certificate is trusted.")
          .contains("- Description: (TLS" + version + "-")
          .contains("- Handshake was completed");
    }
  }
}
