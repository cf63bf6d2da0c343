package io.niotls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.testing.ChildProcess;
import io.niotls.testing.TestPki;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code niotls server} and {@code niotls client} over udp:// and dtls://, against openssl too. */
class DatagramEndToEndTest {
  private static final Duration START = Duration.ofSeconds(30);
  private static final Duration RUN = Duration.ofSeconds(60);
  private static final Pattern LISTENING =
      Pattern.compile(
          "listening (\\S+://127\\.0\\.0\\.1:([0-9]+))( (sha256:[0-9a-f]{64}))? \\(datagrams of at"
              + " most ([0-9]+) bytes\\)");

  @TempDir Path dir;

  private static Matcher listening(ChildProcess server) throws InterruptedException {
    String line = server.nextLine(START);
    Matcher m = LISTENING.matcher(String.valueOf(line));
    assertThat(m.matches()).as(line + " / " + server.err()).isTrue();
    return m;
  }

  @Test
  void theDtlsClientSendsEachLineAsADatagramAndPrintsTheEchoes() throws Exception {
    try (ChildProcess server =
        ChildProcess.java(Main.class, "server", "dtls://127.0.0.1:0", "--mtu", "1200")) {
      Matcher ready = listening(server);
      assertThat(ready.group(5)).isEqualTo("1200");
      try (ChildProcess client =
          ChildProcess.java(Main.class, "client", ready.group(1), "--pin", ready.group(4))) {
        client.write("one\ntwo\n").endInput();
        assertThat(client.waitFor(RUN)).as(client.err()).isZero();
        assertThat(client.out()).isEqualTo("one\ntwo\n");
        assertThat(client.err())
            .contains("connected to " + ready.group(1) + " with DTLSv1.2 TLS_ECDHE_ECDSA_WITH_AES");
      }
    }
  }

  @Test
  void theUdpClientAndServerCarryPlainDatagrams() throws Exception {
    try (ChildProcess server = ChildProcess.java(Main.class, "server", "udp://127.0.0.1:0")) {
      Matcher ready = listening(server);
      assertThat(ready.group(4)).isNull();
      try (ChildProcess client = ChildProcess.java(Main.class, "client", ready.group(1))) {
        client.write("plain\n").endInput();
        assertThat(client.waitFor(RUN)).as(client.err()).isZero();
        assertThat(client.out()).isEqualTo("plain\n");
        assertThat(client.err()).contains("(plain datagrams)");
      }
    }
  }

  @Test
  void opensslSpeaksDtlsToTheServerAndTheClientSpeaksDtlsToOpenssl() throws Exception {
    TestPki pki = TestPki.ec();
    pki.ca().writeCertificatePem(dir.resolve("ca.pem"));
    pki.server().writeCertificatePem(dir.resolve("cert.pem"));
    pki.server().writePrivateKeyPem(dir.resolve("key.pem"));
    try (ChildProcess server =
        ChildProcess.java(
            Main.class,
            "server",
            "dtls://127.0.0.1:0",
            "--cert",
            dir.resolve("cert.pem").toString(),
            "--key",
            dir.resolve("key.pem").toString())) {
      Matcher ready = listening(server);
      try (ChildProcess openssl =
          ChildProcess.inDirectory(
              dir,
              "openssl",
              "s_client",
              "-dtls1_2",
              "-mtu",
              "1000",
              "-connect",
              "127.0.0.1:" + ready.group(2),
              "-CAfile",
              "ca.pem",
              "-verify_return_error",
              "-quiet")) {
        openssl.write("from openssl\n");
        openssl.await("from openssl", RUN);
      }
    }
    int port;
    try (DatagramChannel probe = DatagramChannel.open()) {
      probe.bind(new InetSocketAddress("127.0.0.1", 0));
      port = ((InetSocketAddress) probe.getLocalAddress()).getPort();
    }
    try (ChildProcess openssl =
        ChildProcess.inDirectory(
            dir,
            "openssl",
            "s_server",
            "-dtls1_2",
            "-accept",
            "127.0.0.1:" + port,
            "-cert",
            "cert.pem",
            "-key",
            "key.pem")) {
      openssl.await("ACCEPT", START);
      try (ChildProcess client =
          ChildProcess.java(
              Main.class,
              "client",
              "dtls://localhost:" + port,
              "--trust",
              dir.resolve("ca.pem").toString())) {
        client.write("to openssl\n");
        openssl.await("to openssl", RUN);
        openssl.write("back from openssl\n");
        client.await("back from openssl", RUN);
        client.endInput();
        assertThat(client.waitFor(RUN)).as(client.err()).isZero();
      }
    }
  }
}
