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
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code openssl s_client} against {@code niotls server} (echo mode): session resumption, host name
 * verification, renegotiation (refused) and KeyUpdate (accepted), as OpenSSL sees them on the wire.
 */
class OpensslClientTest {
  private static final Duration RUN = Duration.ofSeconds(30);
  private static final String SENT_KEY_UPDATE = ">>> TLS 1.3, Handshake [length 0005], KeyUpdate";
  private static final String RECEIVED_KEY_UPDATE =
      "<<< TLS 1.3, Handshake [length 0005], KeyUpdate";

  @TempDir static Path dir;

  private static Pki pki;
  private static Map<String, NiotlsServer> servers;

  @BeforeAll
  static void startServers() throws Exception {
    Peer.require(Peer.OPENSSL);
    pki = Pki.create(dir);
    servers = NiotlsServer.onEachProvider(pki, "tls://127.0.0.1:0");
  }

  @AfterAll
  static void stopServers() throws Exception {
    NiotlsServer.closeAll(servers);
  }

  @ParameterizedTest(name = "{0} provider, TLS {1}")
  @CsvSource({"jdk, 1.2", "jdk, 1.3", "openssl, 1.2", "openssl, 1.3"})
  void aSessionSavedBySClientIsResumedOnTheNextConnection(String provider, String version)
      throws Exception {
    Path session = dir.resolve("session-" + provider + "-" + version + ".pem");
    String first = sClientEcho(provider, version, "-sess_out", session.toString());
    assertThat(first)
        .containsPattern("(?m)^New, TLSv" + version.replace(".", "\\.") + ", Cipher is ");
    String second = sClientEcho(provider, version, "-sess_in", session.toString());
    assertThat(second)
        .as("the second connection resumed the first's session")
        .containsPattern("(?m)^Reused, TLSv" + version.replace(".", "\\.") + ", Cipher is ");
  }

  @ParameterizedTest(name = "{0} provider")
  @ValueSource(strings = {"jdk", "openssl"})
  void sClientAcceptsTheNameOnTheCertificate(String provider) throws Exception {
    String out =
        sClientEcho(
            provider,
            "1.3",
            "-servername",
            Pki.NAME,
            "-verify_hostname",
            Pki.NAME,
            "-verify_return_error");
    assertThat(out)
        .contains("Verified peername: " + Pki.NAME)
        .contains("Verify return code: 0 (ok)");
  }

  @ParameterizedTest(name = "{0} provider")
  @ValueSource(strings = {"jdk", "openssl"})
  void sClientRefusesANameTheCertificateDoesNotHave(String provider) throws Exception {
    try (ChildProcess openssl =
        sClient(
            provider,
            "1.3",
            "-servername",
            "evil.test",
            "-verify_hostname",
            "evil.test",
            "-verify_return_error")) {
      openssl.endInput();
      assertThat(openssl.waitFor(RUN)).as(openssl.out()).isNotZero();
      assertThat(openssl.out() + openssl.err()).contains("hostname mismatch");
    }
  }

  /**
   * The alert names the refusal where the provider can say it: BoringSSL sends no_renegotiation
   * (100). Once a SunJSSE connection has sealed records, niotls can only make SunJSSE's record
   * layer send a fatal alert of its own, and the only one it sends is unexpected_message (10).
   */
  @ParameterizedTest(name = "{0} provider: fatal {1}")
  @CsvSource({"jdk, unexpected_message, 02 0a", "openssl, no_renegotiation, 02 64"})
  void aRenegotiationIsRefusedWithAFatalAlertAndTheConnectionEnds(
      String provider, String description, String bytes) throws Exception {
    try (ChildProcess openssl = sClient(provider, "1.2", "-msg")) {
      openssl.write("before\n");
      awaitEcho(openssl, "before");
      openssl.write("R\n"); // s_client's command: renegotiate
      String alert =
          openssl.awaitLine(line -> line.startsWith("<<< ") && line.contains(", Alert "), RUN);
      assertThat(alert)
          .as("the alert s_client received after asking to renegotiate; stdout: %s", openssl.out())
          .isEqualTo("<<< TLS 1.2, Alert [length 0002], fatal " + description);
      // level 2 (fatal) and the description's code: the bytes -msg dumps after the line
      assertThat(openssl.nextLine(RUN).strip()).isEqualTo(bytes);
      // and the connection is over: s_client ends by itself, its stdin still open (waitFor fails
      // the test if it does not)
      openssl.waitFor(RUN);
    }
  }

  @ParameterizedTest(name = "{0} provider")
  @ValueSource(strings = {"jdk", "openssl"})
  void aKeyUpdateIsAnsweredAndTheConnectionKeepsEchoing(String provider) throws Exception {
    try (ChildProcess openssl = sClient(provider, "1.3", "-msg")) {
      openssl.write("before the key update\n");
      awaitEcho(openssl, "before the key update");
      openssl.write("K\n"); // s_client's command: KeyUpdate, update_requested
      // s_client takes a read that starts with K as the command and drops the rest: send the next
      // line only once the KeyUpdate is out
      openssl.awaitLine(SENT_KEY_UPDATE::equals, RUN);
      openssl.write("after the key update\n");
      awaitEcho(openssl, "after the key update");
      openssl.endInput();
      assertThat(openssl.waitFor(RUN)).as(openssl.err()).isZero();
      String out = openssl.out();
      assertThat(out)
          .as("s_client sent its KeyUpdate")
          .contains(SENT_KEY_UPDATE)
          .as("and the server answered the update_requested with its own")
          .contains(RECEIVED_KEY_UPDATE);
      assertThat(out.indexOf(RECEIVED_KEY_UPDATE))
          .as("the server's KeyUpdate came after s_client's")
          .isGreaterThan(out.indexOf(SENT_KEY_UPDATE));
      assertThat(out).doesNotContain("Alert [length 0002], fatal");
    }
  }

  /**
   * Connects, sends a line, waits for its echo (on the OpenSSL provider TLS 1.3 session tickets
   * leave with the server's first write), ends stdin; returns everything s_client printed.
   */
  private static String sClientEcho(String provider, String version, String... more)
      throws Exception {
    try (ChildProcess openssl = sClient(provider, version, more)) {
      String line = "echo over TLS " + version + " via " + provider;
      openssl.write(line + "\n");
      awaitEcho(openssl, line);
      openssl.endInput();
      assertThat(openssl.waitFor(RUN)).as(openssl.err()).isZero();
      return openssl.out();
    }
  }

  /**
   * Waits for the echo of {@code line}. s_client may print it right after a hex dump that did not
   * end its last line (a TLS 1.3 session ticket's), so the line only has to end with it.
   */
  private static void awaitEcho(ChildProcess openssl, String line) throws InterruptedException {
    openssl.awaitLine(printed -> printed.endsWith(line), RUN);
  }

  private static ChildProcess sClient(String provider, String version, String... more)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            "openssl",
            "s_client",
            "-connect",
            "127.0.0.1:" + servers.get(provider).port(),
            version.equals("1.2") ? "-tls1_2" : "-tls1_3",
            "-CAfile",
            pki.ca().toString()));
    command.addAll(List.of(more));
    return ChildProcess.program(command.toArray(new String[0]));
  }
}
