package io.niotls.cli.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.cli.Listening;
import io.niotls.cli.Main;
import io.niotls.testing.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Two {@code niotls server} processes with the same {@code --ticket-keys} file are one fleet to
 * {@code openssl s_client}: a session saved from one resumes on the other. A server whose key file
 * is replaced takes the new key on SIGHUP, and then resumes the other's sessions too. With {@code
 * --no-tickets}, s_client sees no NewSessionTicket.
 */
class TicketKeysTest {
  private static final Duration RUN = Duration.ofSeconds(30);
  private static final String PING = "ping-the-fleet";

  @TempDir static Path dir;
  private static Pki pki;

  @BeforeAll
  static void pki() {
    Peer.require(Peer.OPENSSL);
    pki = Pki.create(dir);
  }

  @ParameterizedTest(name = "{0} provider, {1}")
  @CsvSource({"boringssl, -tls1_3", "boringssl, -tls1_2", "openssl, -tls1_3", "openssl, -tls1_2"})
  void twoServersWithOneKeyFileResumeEachOthersSessionsAndAReloadedKeyJoinsThem(
      String provider, String version) throws Exception {
    Path shared = key("shared-" + provider + version + ".key");
    Path other = key("other-" + provider + version + ".key");
    try (ChildProcess a = server(provider, "--ticket-keys", shared.toString());
        ChildProcess b = server(provider, "--ticket-keys", other.toString())) {
      int portA = port(a);
      int portB = port(b);
      Path session = dir.resolve("session" + provider + version + ".pem");
      assertThat(sClient(portA, version, "-sess_out", session)).startsWith("New");
      assertThat(sClient(portB, version, "-sess_in", session))
          .as("another key: no resumption")
          .startsWith("New");

      Files.copy(shared, other, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      try (ChildProcess kill = ChildProcess.program("kill", "-HUP", Long.toString(b.pid()))) {
        assertThat(kill.waitFor(RUN)).isZero();
      }
      assertThat(b.awaitLine(l -> l.startsWith("reloaded"), RUN)).endsWith("(SIGHUP)");
      assertThat(sClient(portB, version, "-sess_in", session))
          .as("the same key after the reload")
          .startsWith("Reused");
    }
  }

  @ParameterizedTest(name = "{0} provider, {1}")
  @CsvSource({"boringssl, -tls1_3", "boringssl, -tls1_2", "openssl, -tls1_3", "openssl, -tls1_2"})
  void withNoTicketsOpensslSeesNoNewSessionTicket(String provider, String version)
      throws Exception {
    try (ChildProcess server = server(provider, "--no-tickets")) {
      List<String> said = new ArrayList<>();
      Path session = dir.resolve("none" + provider + version + ".pem");
      sClient(port(server), version, "-sess_out", session, said, false, "-msg");
      assertThat(String.join("\n", said)).contains("Finished").doesNotContain("NewSessionTicket");
    }
  }

  private static Path key(String name) throws Exception {
    byte[] bytes = new byte[48];
    new SecureRandom().nextBytes(bytes);
    return Files.write(dir.resolve(name), bytes);
  }

  private static ChildProcess server(String provider, String... more) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "server",
                "tls://127.0.0.1:0",
                "--cert",
                pki.cert().toString(),
                "--key",
                pki.key().toString(),
                "--provider",
                provider));
    args.addAll(List.of(more));
    return ChildProcess.java(Main.class, args.toArray(new String[0]));
  }

  private static int port(ChildProcess server) throws InterruptedException {
    return Listening.parse(server.nextLine(NiotlsServer.START)).port();
  }

  private static String sClient(int port, String version, String sessionFlag, Path session)
      throws Exception {
    return sClient(port, version, sessionFlag, session, new ArrayList<>(), true);
  }

  /**
   * One s_client connection that echoes a line; returns its New/Reused line, adds all it said to
   * {@code said}, and with {@code -sess_out} and {@code awaitSession} waits for the saved session.
   */
  private static String sClient(
      int port,
      String version,
      String sessionFlag,
      Path session,
      List<String> said,
      boolean awaitSession,
      String... more)
      throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + port,
                "-servername",
                Pki.NAME,
                "-CAfile",
                pki.ca().toString(),
                "-verify_return_error",
                version,
                sessionFlag,
                session.toString()));
    command.addAll(List.of(more));
    try (ChildProcess client =
        ChildProcess.start(new ProcessBuilder(command).redirectErrorStream(true))) {
      String line = client.awaitLine(l -> l.startsWith("New,") || l.startsWith("Reused,"), RUN);
      client.sendLine(PING);
      client.await(PING, RUN); // the server has written: tickets Netty's engine held are out
      if (sessionFlag.equals("-sess_out") && awaitSession) {
        awaitFile(session);
      }
      client.endInput();
      assertThat(client.waitFor(RUN)).as(client.out()).isZero();
      said.addAll(client.out().lines().toList());
      return line;
    }
  }

  private static void awaitFile(Path file) throws Exception {
    long deadline = System.nanoTime() + RUN.toNanos();
    while (!(Files.exists(file) && Files.size(file) > 0) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(file).as("openssl saved the session it got").isNotEmptyFile();
  }
}
