package io.niotls.cli.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.cli.Listening;
import io.niotls.cli.Main;
import io.niotls.testing.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code SSLKEYLOGFILE}, as curl and Firefox honour it: {@code niotls client} and {@code niotls
 * server} write the same NSS key log lines for a session as the {@code openssl} at the other end
 * writes with {@code -keylogfile}, byte for byte, for TLS 1.3 and 1.2. The JDK provider says it
 * cannot and goes on.
 */
class KeyLogFileTest {
  private static final Duration RUN = Duration.ofSeconds(60);
  private static final String LINE = "a line whose keys are logged";

  @TempDir static Path dir;
  private static Pki pki;

  @BeforeAll
  static void pki() {
    Peer.require(Peer.OPENSSL);
    pki = Pki.create(dir);
  }

  @ParameterizedTest(name = "{0} provider, {1}")
  @CsvSource({"boringssl, -tls1_3", "boringssl, -tls1_2", "openssl, -tls1_3", "openssl, -tls1_2"})
  void theClientLogsTheSecretsOpensslSServerLogs(String provider, String version) throws Exception {
    Path ours = dir.resolve("client-" + provider + version + ".log");
    Path theirs = dir.resolve("s_server-" + provider + version + ".log");
    try (ChildProcess server =
        ChildProcess.program(
            "openssl",
            "s_server",
            "-accept",
            "127.0.0.1:0",
            "-cert",
            pki.cert().toString(),
            "-key",
            pki.key().toString(),
            "-rev",
            "-naccept",
            "1",
            "-keylogfile",
            theirs.toString(),
            version)) {
      String accept = server.awaitLine(line -> line.startsWith("ACCEPT "), RUN);
      int port = Integer.parseInt(accept.substring(accept.lastIndexOf(':') + 1));
      try (ChildProcess client =
          niotls(
              ours,
              "client",
              "tls://127.0.0.1:" + port,
              "--trust",
              pki.ca().toString(),
              "--servername",
              Pki.NAME,
              "--provider",
              provider,
              "--linger",
              "500ms")) {
        client.write(LINE + "\n").endInput();
        assertThat(client.waitFor(RUN)).as(client.err()).isZero();
        assertThat(client.out()).isEqualTo(new StringBuilder(LINE).reverse() + "\n");
      }
      server.waitFor(RUN);
    }
    assertSameSecrets(ours, theirs, version);
    assertThat(Files.getPosixFilePermissions(ours))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }

  @ParameterizedTest(name = "{0} provider, {1}")
  @CsvSource({"boringssl, -tls1_3", "openssl, -tls1_2"})
  void theServerLogsTheSecretsOpensslSClientLogs(String provider, String version) throws Exception {
    Path ours = dir.resolve("server-" + provider + version + ".log");
    Path theirs = dir.resolve("s_client-" + provider + version + ".log");
    try (ChildProcess server =
        niotls(
            ours,
            "server",
            "tls://127.0.0.1:0",
            "--cert",
            pki.cert().toString(),
            "--key",
            pki.key().toString(),
            "--provider",
            provider)) {
      int port = Listening.parse(server.nextLine(NiotlsServer.START)).port();
      try (ChildProcess client =
          ChildProcess.start(
              new ProcessBuilder(
                      "openssl",
                      "s_client",
                      "-connect",
                      "127.0.0.1:" + port,
                      "-servername",
                      Pki.NAME,
                      "-CAfile",
                      pki.ca().toString(),
                      "-verify_return_error",
                      "-keylogfile",
                      theirs.toString(),
                      version)
                  .redirectErrorStream(true))) {
        client.sendLine(LINE);
        client.await(LINE, RUN); // echoed
        client.endInput();
        assertThat(client.waitFor(RUN)).isZero();
      }
    }
    assertSameSecrets(ours, theirs, version);
  }

  @Test
  void theJdkProviderSaysItCannotLogSecretsAndGoesOn() throws Exception {
    Path ours = dir.resolve("jdk.log");
    try (ChildProcess server =
        niotls(ours, "server", "tls://127.0.0.1:0", "--provider", "jdk", "--duration", "1s")) {
      assertThat(server.waitFor(RUN)).isZero();
      assertThat(server.err())
          .contains(
              "SSLKEYLOGFILE is ignored: the JDK provider cannot export TLS secrets; use"
                  + " --provider boringssl or openssl");
    }
    assertThat(ours).doesNotExist();
  }

  /** The secrets both sides logged: the same lines (comments aside), the ones of the version. */
  private static void assertSameSecrets(Path ours, Path theirs, String version) throws Exception {
    List<String> mine = secrets(ours);
    List<String> peer = secrets(theirs);
    assertThat(mine).isNotEmpty();
    if (version.equals("-tls1_2")) {
      assertThat(mine)
          .singleElement()
          .asString()
          .matches("CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}");
    } else {
      assertThat(mine)
          .extracting(l -> l.split(" ")[0])
          .contains("CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0");
    }
    assertThat(peer).as("what the peer logged for the same session").containsAll(mine);
  }

  private static List<String> secrets(Path file) throws Exception {
    assertThat(file).exists();
    return Files.readAllLines(file).stream()
        .map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .toList();
  }

  /** The command in a JVM of its own with {@code SSLKEYLOGFILE=keyLog}. */
  private static ChildProcess niotls(Path keyLog, String... args) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(ChildProcess.javaCommand(List.of(), Main.class.getName(), args));
    builder.environment().put("SSLKEYLOGFILE", keyLog.toString());
    return ChildProcess.start(builder);
  }
}
