package io.niotls.cli.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.testing.ChildProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code niotls server --mode http --alpn h2,http/1.1 --require-alpn} on both providers: curl
 * offering http/1.1 negotiates it and gets the page; {@code openssl s_client} offering only an
 * unknown protocol, or no ALPN at all, is refused with the {@code no_application_protocol} alert,
 * which it names.
 */
class RequireAlpnTest {
  private static final Duration RUN = Duration.ofSeconds(30);

  /** How OpenSSL 3 words alert 120, no_application_protocol, received from the server. */
  private static final String REFUSED = "tlsv1 alert no application protocol";

  @TempDir static Path dir;

  private static Pki pki;
  private static Map<String, NiotlsServer> servers;

  @BeforeAll
  static void startServers() throws Exception {
    Peer.require(Peer.CURL, Peer.OPENSSL);
    pki = Pki.create(dir);
    servers =
        NiotlsServer.onEachProvider(
            pki, "tls://127.0.0.1:0", "--mode", "http", "--alpn", "h2,http/1.1", "--require-alpn");
  }

  @AfterAll
  static void stopServers() throws Exception {
    NiotlsServer.closeAll(servers);
  }

  @ParameterizedTest(name = "{0} provider")
  @ValueSource(strings = {"jdk", "openssl"})
  void curlOfferingHttp11NegotiatesItAndGetsThePage(String provider) throws Exception {
    int port = servers.get(provider).port();
    try (ChildProcess curl =
        ChildProcess.program(
            "curl",
            "-sS",
            "--http1.1",
            "--max-time",
            "20",
            "--cacert",
            pki.ca().toString(),
            "--resolve",
            Pki.NAME + ":" + port + ":127.0.0.1",
            "-w",
            "negotiated HTTP/%{http_version}\\n",
            "https://" + Pki.NAME + ":" + port + "/")) {
      assertThat(curl.waitFor(RUN)).as("curl's exit code; stderr: %s", curl.err()).isZero();
      assertThat(curl.out())
          .as("the page shows the protocol ALPN chose")
          .containsPattern("(?m)^alpn: +http/1\\.1$")
          .endsWith("negotiated HTTP/1.1\n");
    }
  }

  @ParameterizedTest(name = "{0} provider")
  @ValueSource(strings = {"jdk", "openssl"})
  void aClientOfferingOnlyAnUnknownProtocolIsRefusedWithTheAlert(String provider) throws Exception {
    assertRefused(sClient(provider, "-alpn", "foo"));
  }

  @ParameterizedTest(name = "{0} provider")
  @ValueSource(strings = {"jdk", "openssl"})
  void aClientOfferingNoAlpnIsRefusedTheSameWay(String provider) throws Exception {
    assertRefused(sClient(provider));
  }

  private static void assertRefused(ChildProcess openssl) throws Exception {
    try (openssl) {
      openssl.endInput();
      assertThat(openssl.waitFor(RUN)).as("s_client's exit code").isNotZero();
      assertThat(openssl.out())
          .as("s_client's account of the handshake")
          .contains(REFUSED)
          .contains("SSL alert number 120")
          .doesNotContain("BEGIN CERTIFICATE");
    }
  }

  /** {@code openssl s_client} with stdout and stderr together, as it splits them arbitrarily. */
  private static ChildProcess sClient(String provider, String... more) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + servers.get(provider).port(),
                "-servername",
                Pki.NAME));
    command.addAll(List.of(more));
    return ChildProcess.inDirectory(dir, command.toArray(new String[0]));
  }
}
