package io.niotls.cli.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator;
import io.niotls.certs.GeneratedCertificate;
import io.niotls.cli.Main;
import io.niotls.testing.ChildProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code niotls client --showcerts} against servers that send a two-level chain (the leaf and the
 * intermediate CA that signed it; the root stays with the client): {@code niotls server} on both
 * providers and {@code openssl s_server}. Each certificate printed is the file's, as {@code openssl
 * x509 -fingerprint -sha256} reads the file.
 */
class ShowCertsTest {
  private static final Duration RUN = Duration.ofSeconds(60);
  private static final Pattern PRINTED =
      Pattern.compile(
          "(?m)^ (\\d+) s:(.*)\\n   i:(.*)\\n-----BEGIN CERTIFICATE-----\\n([A-Za-z0-9+/=\\n]+?)\\n"
              + "-----END CERTIFICATE-----$");

  @TempDir static Path dir;

  private static Path root;
  private static Path leaf;
  private static Path intermediate;
  private static Path chain;
  private static Path key;

  /** Fingerprints of leaf.pem and intermediate.pem, in that order, as OpenSSL reads the files. */
  private static List<String> files;

  @BeforeAll
  static void makeTheChain() throws Exception {
    Peer.require(Peer.OPENSSL);
    GeneratedCertificate rootCa = CertificateGenerator.ca("showcerts root CA").generate();
    GeneratedCertificate intermediateCa =
        CertificateGenerator.ca("showcerts intermediate CA").issuer(rootCa).generate();
    GeneratedCertificate server =
        CertificateGenerator.leaf(Pki.NAME)
            .subjectAltNames(Pki.NAME, "127.0.0.1")
            .issuer(intermediateCa)
            .generate();
    root = dir.resolve("root.pem");
    leaf = dir.resolve("leaf.pem");
    intermediate = dir.resolve("intermediate.pem");
    chain = dir.resolve("chain.pem");
    key = dir.resolve("leaf.key");
    rootCa.writeCertificatePem(root);
    Files.writeString(leaf, pem(server.certificate()), StandardCharsets.US_ASCII);
    Files.writeString(intermediate, pem(intermediateCa.certificate()), StandardCharsets.US_ASCII);
    Files.writeString(
        chain,
        pem(server.certificate()) + pem(intermediateCa.certificate()),
        StandardCharsets.US_ASCII);
    server.writePrivateKeyPem(key);
    files = List.of(opensslFingerprint(leaf), opensslFingerprint(intermediate));
  }

  @ParameterizedTest(name = "{0} provider")
  @ValueSource(strings = {"jdk", "openssl"})
  void theChainANiotlsServerSendsIsPrintedWhole(String provider) throws Exception {
    try (NiotlsServer server =
        NiotlsServer.start(new Pki(root, chain, key, key), provider, "tls://127.0.0.1:0")) {
      String err = showCerts(server.port(), provider);
      assertPrintedChain(err);
    }
  }

  @ParameterizedTest(name = "{0} provider")
  @ValueSource(strings = {"jdk", "openssl"})
  void theChainOpensslSServerSendsIsPrintedWhole(String provider) throws Exception {
    try (ChildProcess server =
        ChildProcess.program(
            "openssl",
            "s_server",
            "-accept",
            "127.0.0.1:0",
            "-cert",
            leaf.toString(),
            "-key",
            key.toString(),
            "-cert_chain",
            intermediate.toString(),
            "-naccept",
            "1")) {
      String accept = server.awaitLine(line -> line.startsWith("ACCEPT "), RUN);
      int port = Integer.parseInt(accept.substring(accept.lastIndexOf(':') + 1));
      assertPrintedChain(showCerts(port, provider));
    }
  }

  /** Runs the client with --showcerts and empty stdin; returns its stderr. */
  private static String showCerts(int port, String provider) throws Exception {
    try (ChildProcess client =
        ChildProcess.java(
            Main.class,
            "client",
            "tls://127.0.0.1:" + port,
            "--trust",
            root.toString(),
            "--servername",
            Pki.NAME,
            "--provider",
            provider,
            "--showcerts",
            "--linger",
            "200ms")) {
      client.endInput();
      assertThat(client.waitFor(RUN)).as("exit code; stderr: %s", client.err()).isZero();
      assertThat(client.out()).as("stdout stays the server's bytes").isEmpty();
      return client.err();
    }
  }

  private static void assertPrintedChain(String err) throws Exception {
    assertThat(err).contains("certificate chain (2 certificates sent by the server, leaf first)");
    List<String> subjects = new ArrayList<>();
    List<String> issuers = new ArrayList<>();
    List<String> printed = new ArrayList<>();
    Matcher m = PRINTED.matcher(err);
    while (m.find()) {
      assertThat(Integer.parseInt(m.group(1))).isEqualTo(printed.size());
      subjects.add(m.group(2));
      issuers.add(m.group(3));
      byte[] der = Base64.getMimeDecoder().decode(m.group(4));
      printed.add(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der)));
    }
    assertThat(printed)
        .as("the printed certificates' SHA-256, against the files'")
        .isEqualTo(files);
    assertThat(subjects).containsExactly("CN=" + Pki.NAME, "CN=showcerts intermediate CA");
    assertThat(issuers).containsExactly("CN=showcerts intermediate CA", "CN=showcerts root CA");
  }

  /** {@code openssl x509 -noout -fingerprint -sha256 -in FILE}, as lowercase hex. */
  private static String opensslFingerprint(Path file) throws Exception {
    try (ChildProcess openssl =
        ChildProcess.program(
            "openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", file.toString())) {
      assertThat(openssl.waitFor(RUN)).as(openssl.err()).isZero();
      String said = openssl.out().strip(); // sha256 Fingerprint=AB:CD:...
      return said.substring(said.indexOf('=') + 1).replace(":", "").toLowerCase(Locale.ROOT);
    }
  }

  private static String pem(X509Certificate certificate) throws Exception {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }
}
