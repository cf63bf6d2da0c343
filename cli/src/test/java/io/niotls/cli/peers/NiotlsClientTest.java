package io.niotls.cli.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.cli.Main;
import io.niotls.testing.ChildProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code niotls client} command, on both providers, against servers we did not write: {@code
 * openssl s_server} pinned to TLS 1.2 or 1.3, {@code gnutls-serv} and a Python {@code ssl} echo
 * server. A line goes through each and comes back; and a server certificate that names only {@code
 * other.example} is accepted for that name and refused for any other.
 */
class NiotlsClientTest {
  private static final Duration RUN = Duration.ofSeconds(60);
  private static final String LINE = "a line through a server we did not write";

  @TempDir Path dir;

  @ParameterizedTest(name = "{0} provider, TLS {1}")
  @CsvSource({"jdk, 1.2", "jdk, 1.3", "openssl, 1.2", "openssl, 1.3"})
  void aLineRoundTripsThroughOpensslSServer(String provider, String version) throws Exception {
    Peer.require(Peer.OPENSSL);
    Pki pki = Pki.create(dir);
    try (ChildProcess server = sServer(pki, version.equals("1.2") ? "-tls1_2" : "-tls1_3")) {
      ChildProcess client = client(sServerPort(server), pki, provider, Pki.NAME);
      // -rev: s_server answers every line with the line reversed
      assertRoundTrip(client, new StringBuilder(LINE).reverse().toString());
      assertThat(client.err()).contains("protocol     TLSv" + version);
    }
  }

  @ParameterizedTest(name = "{0} provider")
  @ValueSource(strings = {"jdk", "openssl"})
  void aLineRoundTripsThroughGnutlsServ(String provider) throws Exception {
    Peer.require(Peer.GNUTLS_SERV);
    Pki pki = Pki.create(dir);
    // gnutls-serv prints the port it was given, not the one it got: give it a free one
    int port = freePort();
    try (ChildProcess server =
        ChildProcess.program(
            "gnutls-serv",
            "--echo",
            "--port",
            String.valueOf(port),
            "--x509certfile",
            pki.cert().toString(),
            "--x509keyfile",
            pki.traditionalKey().toString())) {
      // the line starts before the bind and ends with "done" after it
      awaitStderr(server, "IPv4 0.0.0.0 port " + port + "...done");
      assertRoundTrip(client(port, pki, provider, Pki.NAME), LINE);
    }
  }

  @ParameterizedTest(name = "{0} provider")
  @ValueSource(strings = {"jdk", "openssl"})
  void aLineRoundTripsThroughAPythonSslEchoServer(String provider) throws Exception {
    Peer.require(Peer.PYTHON);
    Pki pki = Pki.create(dir);
    try (ChildProcess server =
        Python.run(dir, "echo_server.py", pki.cert().toString(), pki.key().toString(), "1", "50")) {
      int port = Integer.parseInt(server.nextLine(RUN).replace("listening ", ""));
      assertRoundTrip(client(port, pki, provider, Pki.NAME), LINE);
      assertThat(server.nextLine(RUN))
          .as("the Python server's account of the connection")
          .isEqualTo("served TLSv1.3 " + (LINE.length() + 1));
    }
  }

  @ParameterizedTest(name = "{0} provider")
  @ValueSource(strings = {"jdk", "openssl"})
  void theServerNameGivenIsTheOneTheCertificateMustName(String provider) throws Exception {
    Peer.require(Peer.OPENSSL);
    Pki pki = Pki.create(dir, "other.example");
    try (ChildProcess server = sServer(pki, "-tls1_3")) {
      ChildProcess client = client(sServerPort(server), pki, provider, "other.example");
      assertRoundTrip(client, new StringBuilder(LINE).reverse().toString());
      assertThat(client.err()).contains("sni          other.example");
    }
  }

  @ParameterizedTest(name = "{0} provider")
  @ValueSource(strings = {"jdk", "openssl"})
  void aServerNameTheCertificateDoesNotHaveIsRefused(String provider) throws Exception {
    Peer.require(Peer.OPENSSL);
    Pki pki = Pki.create(dir, "other.example");
    try (ChildProcess server = sServer(pki, "-tls1_3")) {
      assertRefused(client(sServerPort(server), pki, provider, "evil.example"));
    }
  }

  /**
   * The name given is the only identity checked: a certificate that also names the address we
   * connect to does not make up for a server name it lacks.
   */
  @ParameterizedTest(name = "{0} provider")
  @ValueSource(strings = {"jdk", "openssl"})
  void aServerNameTheCertificateDoesNotHaveIsRefusedEvenWhenItNamesTheAddress(String provider)
      throws Exception {
    Peer.require(Peer.OPENSSL);
    Pki pki = Pki.create(dir, "other.example", "127.0.0.1");
    try (ChildProcess server = sServer(pki, "-tls1_3")) {
      assertRefused(client(sServerPort(server), pki, provider, "evil.example"));
    }
  }

  private static void assertRefused(ChildProcess client) throws Exception {
    try (client) {
      client.write(LINE + "\n").endInput();
      assertThat(client.waitFor(RUN)).as("exit code; stderr: %s", client.err()).isNotZero();
      assertThat(client.out()).as("nothing came through").isEmpty();
      assertThat(client.err())
          .as("the refusal names the server name that did not match")
          .contains("evil.example")
          .containsIgnoringCase("does not name");
    }
  }

  /** Sends {@link #LINE}, ends stdin, and expects {@code reply} back and a clean exit. */
  private static void assertRoundTrip(ChildProcess client, String reply) throws Exception {
    try (client) {
      client.write(LINE + "\n").endInput();
      assertThat(client.waitFor(RUN)).as(client.err()).isZero();
      assertThat(client.out()).isEqualTo(reply + "\n");
    }
  }

  private static ChildProcess client(int port, Pki pki, String provider, String serverName)
      throws IOException {
    return ChildProcess.java(
        Main.class,
        "client",
        "tls://127.0.0.1:" + port,
        "--trust",
        pki.ca().toString(),
        "--servername",
        serverName,
        "--provider",
        provider,
        // the reply to one line on loopback comes within milliseconds; the default 1 s is slack
        "--linger",
        "500ms");
  }

  /** {@code openssl s_server -rev} for one connection on a port of its choosing. */
  private static ChildProcess sServer(Pki pki, String version) throws IOException {
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
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
            version));
    return ChildProcess.program(command.toArray(new String[0]));
  }

  private static int sServerPort(ChildProcess server) throws InterruptedException {
    String accept = server.awaitLine(line -> line.startsWith("ACCEPT "), RUN);
    return Integer.parseInt(accept.substring(accept.lastIndexOf(':') + 1));
  }

  /** gnutls-serv says it is listening on stderr. */
  private static void awaitStderr(ChildProcess process, String text) throws InterruptedException {
    long deadline = System.nanoTime() + RUN.toNanos();
    while (!process.err().contains(text)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no '" + text + "' within " + RUN + "; stderr: " + process.err());
      }
      Thread.sleep(20);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
