package io.niotls.cli.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator;
import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.certs.GeneratedCertificate;
import io.niotls.cli.Listening;
import io.niotls.cli.Main;
import io.niotls.testing.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code niotls server} with several {@code --cert/--key} pairs, judged by {@code openssl s_client}
 * and curl: each name gets its certificate, the first pair is the default, {@code --sni-strict}
 * refuses unknown names with {@code unrecognized_name}, an EC and an RSA certificate for one name
 * go each to the clients that verify them, a SIGHUP reads them all again, and bad pairs are refused
 * at start with exit code 2.
 */
class SniServerTest {
  private static final Duration RUN = Duration.ofSeconds(30);

  @TempDir static Path dir;

  private static Path ca;

  @BeforeAll
  static void certificates() throws Exception {
    Peer.require(Peer.OPENSSL, Peer.CURL);
    GeneratedCertificate ecCa = CertificateGenerator.ca("niotls sni CA").generate();
    GeneratedCertificate rsaCa =
        CertificateGenerator.ca("niotls sni RSA CA").keyType(KeyType.RSA_2048).generate();
    ca = dir.resolve("ca.pem");
    ecCa.writeCertificatePem(dir.resolve("ec-ca.pem"));
    rsaCa.writeCertificatePem(dir.resolve("rsa-ca.pem"));
    Files.writeString(
        ca,
        Files.readString(dir.resolve("ec-ca.pem")) + Files.readString(dir.resolve("rsa-ca.pem")));
    write("default", leaf(ecCa, KeyType.EC_P256, "default.test", "localhost"));
    write("a", leaf(ecCa, KeyType.EC_P256, "a.test"));
    write("b", leaf(ecCa, KeyType.EC_P256, "b.test"));
    write("wild", leaf(ecCa, KeyType.EC_P256, "*.wild.test"));
    write("a-rsa", leaf(rsaCa, KeyType.RSA_2048, "a.test"));
    write("a-again", leaf(ecCa, KeyType.EC_P256, "other.test", "a.test"));
  }

  @ParameterizedTest(name = "{0} provider")
  @ValueSource(strings = {"jdk", "openssl"})
  void eachNameGetsItsCertificateAndTheFirstPairIsTheDefault(String provider) throws Exception {
    try (ChildProcess server = server(provider, "--mode", "http")) {
      int port = Listening.parse(server.nextLine(NiotlsServer.START)).port();
      assertThat(server.nextLine(RUN))
          .matches(
              "sni sha256:\\p{XDigit}{64} EC P-256 default.pem:"
                  + " default.test, localhost \\(default\\)");
      assertThat(server.nextLine(RUN)).endsWith("EC P-256 a.pem: a.test");
      assertThat(server.nextLine(RUN)).endsWith("EC P-256 b.pem: b.test");
      assertThat(server.nextLine(RUN)).endsWith("EC P-256 wild.pem: *.wild.test");
      assertThat(server.nextLine(RUN)).endsWith("RSA 2048 a-rsa.pem: a.test");

      assertThat(sClient(port, "-servername", "a.test").out()).contains("subject=CN = a.test");
      assertThat(sClient(port, "-servername", "b.test").out()).contains("subject=CN = b.test");
      assertThat(sClient(port, "-servername", "x.wild.test").out())
          .contains("subject=CN = *.wild.test");
      assertThat(sClient(port, "-noservername").out()).contains("subject=CN = default.test");
      assertThat(sClient(port, "-servername", "unknown.test").out())
          .contains("subject=CN = default.test");

      ChildProcess curl = curl(port, "b.test");
      assertThat(curl.exitValue()).as(curl.err()).isZero();
      assertThat(curl.err()).contains("subject: CN=b.test");
    }
  }

  @ParameterizedTest(name = "{0} provider")
  @ValueSource(strings = {"jdk", "openssl"})
  void anEcAndAnRsaCertificateForOneNameGoEachToTheClientsThatVerifyThem(String provider)
      throws Exception {
    try (ChildProcess server = server(provider)) {
      int port = Listening.parse(server.nextLine(NiotlsServer.START)).port();
      assertThat(sClient(port, "-servername", "a.test").out())
          .contains("Server public key is 256 bit");
      assertThat(sClient(port, "-servername", "a.test", "-sigalgs", "RSA-PSS+SHA256").out())
          .contains("subject=CN = a.test")
          .contains("Peer signature type: RSA-PSS")
          .contains("Server public key is 2048 bit");
      String tls12 =
          sClient(
                  port,
                  "-servername",
                  "a.test",
                  "-tls1_2",
                  "-cipher",
                  "ECDHE-RSA-AES128-GCM-SHA256")
              .out();
      assertThat(tls12)
          .contains("Cipher is ECDHE-RSA-AES128-GCM-SHA256")
          .contains("Server public key is 2048 bit");
    }
  }

  @ParameterizedTest(name = "{0} provider")
  @ValueSource(strings = {"jdk", "openssl"})
  void sniStrictRefusesAnUnknownNameWithUnrecognizedName(String provider) throws Exception {
    try (ChildProcess server = server(provider, "--sni-strict")) {
      int port = Listening.parse(server.nextLine(NiotlsServer.START)).port();
      assertThat(server.nextLine(RUN)).endsWith("(default, sni-strict)");

      ChildProcess refused = sClient(port, "-servername", "unknown.test");
      assertThat(refused.exitValue()).isNotZero();
      assertThat(refused.out())
          .contains("tlsv1 unrecognized name")
          .contains("SSL alert number 112")
          .doesNotContain("subject=");
      ChildProcess curl = curl(port, "unknown.test");
      assertThat(curl.exitValue()).as("CURLE_SSL_CONNECT_ERROR").isEqualTo(35);
      assertThat(curl.err()).contains("unrecognized name");

      assertThat(sClient(port, "-servername", "a.test").out()).contains("subject=CN = a.test");
      assertThat(sClient(port, "-noservername").out())
          .as("a client without SNI is not refused")
          .contains("subject=CN = default.test");
      server.terminate();
      assertThat(server.waitFor(RUN)).isEqualTo(143);
      assertThat(server.err()).contains("(2 handshakes, 2 failed");
    }
  }

  @Test
  void sighupReadsEveryPairAgain() throws Exception {
    Path b = dir.resolve("b-reloaded.pem");
    Path bKey = dir.resolve("b-reloaded.key");
    Files.copy(dir.resolve("b.pem"), b);
    Files.copy(dir.resolve("b.key"), bKey);
    try (ChildProcess server =
        ChildProcess.java(
            Main.class,
            "server",
            "tls://127.0.0.1:0",
            "--cert",
            dir.resolve("default.pem").toString(),
            "--key",
            dir.resolve("default.key").toString(),
            "--cert",
            b.toString(),
            "--key",
            bKey.toString())) {
      int port = Listening.parse(server.nextLine(NiotlsServer.START)).port();
      assertThat(sClient(port, "-servername", "b.test").out()).contains("subject=CN = b.test");
      Files.copy(dir.resolve("wild.pem"), b, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.copy(dir.resolve("wild.key"), bKey, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      try (ChildProcess kill = ChildProcess.program("kill", "-HUP", Long.toString(server.pid()))) {
        assertThat(kill.waitFor(RUN)).isZero();
      }
      assertThat(server.awaitLine(l -> l.startsWith("reloaded"), RUN)).endsWith("(SIGHUP)");
      assertThat(sClient(port, "-servername", "x.wild.test").out())
          .contains("subject=CN = *.wild.test");
      assertThat(sClient(port, "-servername", "b.test").out())
          .as("b.test is no longer served: the default answers")
          .contains("subject=CN = default.test");
    }
  }

  @Test
  void aKeyThatDoesNotMatchItsCertificateIsRefusedAtStart() throws Exception {
    ChildProcess server =
        start(
            "server",
            "tls://127.0.0.1:0",
            "--cert",
            dir.resolve("a.pem").toString(),
            "--key",
            dir.resolve("a.key").toString(),
            "--cert",
            dir.resolve("b.pem").toString(),
            "--key",
            dir.resolve("a.key").toString());
    assertThat(server.exitValue()).isEqualTo(Main.USAGE);
    assertThat(server.err())
        .contains("does not belong to the certificate CN=b.test")
        .contains("b.pem");
  }

  @Test
  void aNameInTwoCertificatesOfOneKeyTypeIsRefusedAtStart() throws Exception {
    ChildProcess server =
        start(
            "server",
            "tls://127.0.0.1:0",
            "--cert",
            dir.resolve("a.pem").toString(),
            "--key",
            dir.resolve("a.key").toString(),
            "--cert",
            dir.resolve("a-again.pem").toString(),
            "--key",
            dir.resolve("a-again.key").toString());
    assertThat(server.exitValue()).isEqualTo(Main.USAGE);
    assertThat(server.err())
        .contains("the name a.test is in two EC P-256 certificates")
        .contains("a.pem")
        .contains("a-again.pem");
  }

  private static ChildProcess server(String provider, String... more) throws Exception {
    List<String> args =
        new ArrayList<>(List.of("server", "tls://127.0.0.1:0", "--provider", provider));
    for (String name : new String[] {"default", "a", "b", "wild", "a-rsa"}) {
      args.addAll(
          List.of(
              "--cert",
              dir.resolve(name + ".pem").toString(),
              "--key",
              dir.resolve(name + ".key").toString()));
    }
    args.addAll(List.of(more));
    return ChildProcess.java(Main.class, args.toArray(String[]::new));
  }

  /** A command that exits by itself, run to its end. */
  private static ChildProcess start(String... args) throws Exception {
    ChildProcess process = ChildProcess.java(Main.class, args);
    try (process) {
      process.waitFor(NiotlsServer.START);
    }
    return process;
  }

  /** s_client with no input, run to its end (stderr merged into stdout). */
  private static ChildProcess sClient(int port, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "openssl", "s_client", "-connect", "127.0.0.1:" + port, "-CAfile", ca.toString()));
    command.addAll(List.of(args));
    ChildProcess client = ChildProcess.inDirectory(dir, command.toArray(String[]::new));
    try (client) {
      client.endInput();
      client.waitFor(RUN);
    }
    return client;
  }

  private static ChildProcess curl(int port, String name) throws Exception {
    ChildProcess curl =
        ChildProcess.program(
            "curl",
            "-sS",
            "-v",
            "--max-time",
            "20",
            "--resolve",
            name + ":" + port + ":127.0.0.1",
            "--cacert",
            ca.toString(),
            "-o",
            "/dev/null",
            "https://" + name + ":" + port + "/");
    try (curl) {
      curl.waitFor(RUN);
    }
    return curl;
  }

  private static GeneratedCertificate leaf(
      GeneratedCertificate issuer, KeyType type, String... names) {
    return CertificateGenerator.leaf(names[0])
        .keyType(type)
        .subjectAltNames(names)
        .issuer(issuer)
        .generate();
  }

  private static void write(String name, GeneratedCertificate certificate) {
    certificate.writeCertificatePem(dir.resolve(name + ".pem"));
    certificate.writePrivateKeyPem(dir.resolve(name + ".key"));
  }
}
