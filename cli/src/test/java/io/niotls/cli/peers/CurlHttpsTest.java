package io.niotls.cli.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.testing.ChildProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * curl fetches the page of {@code niotls server --mode http} over HTTPS, with the server's name
 * resolved by {@code --resolve} so that SNI and curl's own host name check are real, and its CA
 * given by {@code --cacert}.
 */
class CurlHttpsTest {
  private static final Duration RUN = Duration.ofSeconds(30);

  @TempDir static Path dir;

  private static Pki pki;
  private static Map<String, NiotlsServer> servers;

  @BeforeAll
  static void startServers() throws Exception {
    Peer.require(Peer.CURL);
    pki = Pki.create(dir);
    servers = NiotlsServer.onEachProvider(pki, "tls://127.0.0.1:0", "--mode", "http");
  }

  @AfterAll
  static void stopServers() throws Exception {
    NiotlsServer.closeAll(servers);
  }

  @ParameterizedTest(name = "{0} provider, TLS {1}")
  @CsvSource({"jdk, 1.2", "jdk, 1.3", "openssl, 1.2", "openssl, 1.3"})
  void curlGetsThePageOverTheVersionItPinnedWithTheNameChecked(String provider, String version)
      throws Exception {
    int port = servers.get(provider).port();
    Path body = dir.resolve("body-" + provider + "-" + version);
    String[] pin =
        version.equals("1.2")
            ? new String[] {"--tlsv1.2", "--tls-max", "1.2"}
            : new String[] {"--tlsv1.3"};
    try (ChildProcess curl =
        ChildProcess.program(
            concat(
                new String[] {
                  "curl",
                  "-sS",
                  "--max-time",
                  "20",
                  "--resolve",
                  Pki.NAME + ":" + port + ":127.0.0.1",
                  "--cacert",
                  pki.ca().toString(),
                  "-o",
                  body.toString(),
                  "-w",
                  "%{http_code} %{ssl_verify_result}\\n"
                },
                pin,
                new String[] {"https://" + Pki.NAME + ":" + port + "/peers/curl"}))) {
      assertThat(curl.waitFor(RUN)).as(curl.err()).isZero();
      assertThat(curl.out()).as("status and verification result").isEqualTo("200 0\n");
      assertThat(Files.readString(body, StandardCharsets.UTF_8))
          .startsWith("niotls: your connection")
          .containsPattern("protocol:\\s+TLSv" + version.replace(".", "\\.") + "\n")
          .containsPattern("sni:\\s+" + Pki.NAME.replace(".", "\\.") + "\n")
          .containsPattern("alpn:\\s+http/1\\.1\n")
          .containsPattern("request:\\s+GET /peers/curl HTTP/1\\.1\n");
    }
  }

  @ParameterizedTest(name = "{0} provider")
  @ValueSource(strings = {"jdk", "openssl"})
  void curlRefusesTheServerUnderANameItsCertificateDoesNotHave(String provider) throws Exception {
    int port = servers.get(provider).port();
    try (ChildProcess curl =
        ChildProcess.program(
            "curl",
            "-sS",
            "--max-time",
            "20",
            "--resolve",
            "wrong.test:" + port + ":127.0.0.1",
            "--cacert",
            pki.ca().toString(),
            "https://wrong.test:" + port + "/")) {
      // 60: CURLE_PEER_FAILED_VERIFICATION
      assertThat(curl.waitFor(RUN)).as(curl.err()).isEqualTo(60);
      assertThat(curl.err()).contains("wrong.test");
      assertThat(curl.out()).isEmpty();
    }
  }

  private static String[] concat(String[]... parts) {
    return Arrays.stream(parts).flatMap(Arrays::stream).toArray(String[]::new);
  }
}
