package io.niotls.cli.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.testing.ChildProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Mail clients we did not write deliver through {@code niotls server tcp://... --starttls smtp}:
 * curl and Python's smtplib upgrade with STARTTLS, check the certificate, and send a message; the
 * server prints a line per delivered message naming its sender. {@code openssl s_client -starttls
 * smtp} then speaks SMTP over the upgraded connection.
 */
class SmtpStartTlsTest {
  /** curl and smtplib give up after this; the test waits a little longer for them. */
  private static final int PEER_SECONDS = 10;

  private static final Duration RUN = Duration.ofSeconds(PEER_SECONDS + 15);

  @TempDir static Path dir;

  private static Pki pki;
  private static final Map<String, NiotlsServer> servers = new TreeMap<>();

  @BeforeAll
  static void startServers() throws Exception {
    Peer.require(Peer.CURL, Peer.PYTHON, Peer.OPENSSL);
    pki = Pki.create(dir);
    for (String provider : new String[] {"jdk", "openssl"}) {
      servers.put(
          provider, NiotlsServer.start(pki, provider, "tcp://127.0.0.1:0", "--starttls", "smtp"));
    }
  }

  @AfterAll
  static void stopServers() throws Exception {
    for (NiotlsServer server : servers.values()) {
      server.close();
    }
  }

  @ParameterizedTest(name = "{0} provider")
  @ValueSource(strings = {"jdk", "openssl"})
  void curlDeliversAMessageAfterStartTls(String provider) throws Exception {
    NiotlsServer server = servers.get(provider);
    int port = server.port();
    String sender = "curl-" + provider + "@example.org";
    Path message = dir.resolve("message-" + provider + ".txt");
    Files.writeString(
        message,
        "From: " + sender + "\r\nTo: b@example.org\r\nSubject: from curl\r\n\r\nhello\r\n",
        StandardCharsets.US_ASCII);
    try (ChildProcess curl =
        ChildProcess.program(
            "curl",
            "-sS",
            "--max-time",
            String.valueOf(PEER_SECONDS),
            "--ssl-reqd",
            "--resolve",
            Pki.NAME + ":" + port + ":127.0.0.1",
            "--cacert",
            pki.ca().toString(),
            "--mail-from",
            sender,
            "--mail-rcpt",
            "b@example.org",
            "--upload-file",
            message.toString(),
            "smtp://" + Pki.NAME + ":" + port)) {
      assertThat(curl.waitFor(RUN)).as("curl's exit code; stderr: %s", curl.err()).isZero();
    }
    server.process().awaitLine(line -> line.contains(sender), RUN);
  }

  @ParameterizedTest(name = "{0} provider")
  @ValueSource(strings = {"jdk", "openssl"})
  void pythonSmtplibDeliversAMessageAfterStartTls(String provider) throws Exception {
    NiotlsServer server = servers.get(provider);
    String sender = "smtplib-" + provider + "@example.org";
    // smtplib checks the certificate against the host it connects to: 127.0.0.1, which it names
    try (ChildProcess python =
        Python.run(
            dir,
            "smtp_send.py",
            "127.0.0.1",
            String.valueOf(server.port()),
            pki.ca().toString(),
            sender,
            "b@example.org",
            String.valueOf(PEER_SECONDS))) {
      assertThat(python.waitFor(RUN)).as("smtplib's exit code; stderr: %s", python.err()).isZero();
      assertThat(python.out()).isEqualTo("delivered\n");
    }
    server.process().awaitLine(line -> line.contains(sender), RUN);
  }

  @ParameterizedTest(name = "{0} provider")
  @ValueSource(strings = {"jdk", "openssl"})
  void opensslUpgradesWithStartTlsAndEhloIsAnsweredOverTls(String provider) throws Exception {
    try (ChildProcess openssl =
        ChildProcess.program(
            "openssl",
            "s_client",
            "-starttls",
            "smtp",
            "-connect",
            "127.0.0.1:" + servers.get(provider).port(),
            "-CAfile",
            pki.ca().toString(),
            "-verify_hostname",
            Pki.NAME,
            "-verify_return_error",
            "-quiet",
            "-crlf")) {
      // -quiet implies -ign_eof: s_client runs until the server closes after QUIT
      openssl.write("EHLO peers.niotls.test\nQUIT\n").endInput();
      assertThat(openssl.waitFor(RUN)).as(openssl.err()).isZero();
      // s_client prints the last line of the plaintext EHLO reply itself; the rest came over TLS
      String afterTls = openssl.out().replaceFirst("^250 STARTTLS\n", "");
      assertThat(afterTls)
          .as("the replies to EHLO and QUIT over TLS")
          .containsPattern("(?m)^250 .*\n")
          .containsPattern("(?m)^221 .*\n");
      assertThat(
              afterTls.indexOf("\n250 ") < afterTls.indexOf("\n221 ")
                  || afterTls.startsWith("250 "))
          .as("EHLO answered before QUIT: %s", afterTls)
          .isTrue();
    }
  }
}
