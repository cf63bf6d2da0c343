package io.niotls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator;
import io.niotls.certs.GeneratedCertificate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The misconfigurations {@link ErrorMessagesTest} does not cover yet: corrupt PEM and keystore
 * content, certificates outside their validity dates, a file that cannot be read. Each ends in one
 * line, {@code niotls: <message>} naming the file or the dates, and exit code 2, before anything
 * listens.
 */
class MisconfigurationTest {
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  @TempDir static Path dir;
  static Path cert;
  static Path key;

  @BeforeAll
  static void files() {
    GeneratedCertificate server = CertificateGenerator.selfSigned(defaultKey(), "localhost");
    cert = dir.resolve("server.pem");
    key = dir.resolve("server.key");
    server.writeCertificatePem(cert);
    server.writePrivateKeyPem(key);
  }

  private static CertificateGenerator.KeyType defaultKey() {
    return CertificateGenerator.KeyType.EC_P256;
  }

  /**
   * Runs the command and returns its one error line, after checking the rules every error keeps.
   */
  private static String error(String... args) {
    Cli.Result r = Cli.run(args);
    assertThat(r.code()).as("exit code of %s", String.join(" ", args)).isEqualTo(Main.USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("niotls: ").endsWith(System.lineSeparator());
    assertThat(r.err().strip()).doesNotContain("\n").doesNotContain("\tat ");
    return r.err().strip();
  }

  @Test
  void aCertificateBlockWhoseContentIsNotBase64IsNamedAsCorrupt() throws IOException {
    Path corrupt =
        write(
            "corrupt.pem",
            "-----BEGIN CERTIFICATE-----\nthis is not base64 at all!\n-----END CERTIFICATE-----\n");

    assertThat(error("server", "--cert", corrupt.toString(), "--key", key.toString()))
        .startsWith("niotls: certificate file " + corrupt + " holds corrupt or unsupported PEM");
  }

  @Test
  void aCertificateCutShortIsNamedAsCorrupt() throws IOException {
    List<String> lines = Files.readAllLines(cert);
    Path cut = write("cut.pem", String.join("\n", lines.subList(0, lines.size() / 2)) + "\n");

    assertThat(error("server", "--cert", cut.toString(), "--key", key.toString()))
        .startsWith(
            "niotls: certificate file "
                + cut
                + " holds corrupt or unsupported PEM content (-----END CERTIFICATE----- not found)");
  }

  @Test
  void aCertificateWhoseDerIsDamagedIsNamedAsCorrupt() throws IOException {
    byte[] der = "this decodes as base64 but is no certificate".getBytes(StandardCharsets.US_ASCII);
    Path damaged =
        write(
            "damaged.pem",
            "-----BEGIN CERTIFICATE-----\n"
                + java.util.Base64.getEncoder().encodeToString(der)
                + "\n-----END CERTIFICATE-----\n");

    assertThat(error("server", "--cert", damaged.toString(), "--key", key.toString()))
        .startsWith(
            "niotls: certificate file "
                + damaged
                + " holds corrupt or unsupported PEM content (problem parsing cert");
  }

  @Test
  void aKeyBlockWhoseContentIsNotAKeyIsNamed() throws IOException {
    Path corrupt =
        write(
            "corrupt.key",
            "-----BEGIN PRIVATE KEY-----\n"
                + java.util.Base64.getEncoder().encodeToString(new byte[64])
                + "\n-----END PRIVATE KEY-----\n");

    assertThat(error("server", "--cert", cert.toString(), "--key", corrupt.toString()))
        .startsWith(
            "niotls: private key file " + corrupt + " holds corrupt or unsupported PEM content");
  }

  @Test
  void aKeystoreOfRandomBytesIsNamed() throws IOException {
    Path junk = dir.resolve("junk.p12");
    Files.write(junk, new byte[] {0x30, (byte) 0x82, 0x01, 0x00, 1, 2, 3, 4, 5, 6, 7, 8});

    assertThat(error("server", "--keystore", junk.toString(), "--password", "secret"))
        .isEqualTo(
            "niotls: " + junk + " is not a keystore: expected a PKCS#12 (.p12, .pfx) or JKS file");
  }

  @Test
  void anExpiredCertificateIsRefusedNamingItsDates() {
    Instant from = NOW.minus(Duration.ofDays(400));
    Instant until = NOW.minus(Duration.ofDays(10));
    Path[] files = certificate("expired", from, until);

    assertThat(error("server", "--cert", files[0].toString(), "--key", files[1].toString()))
        .isEqualTo(
            "niotls: the server certificate (CN=localhost) expired on "
                + until
                + " (valid from "
                + from
                + " to "
                + until
                + "): renew it; clients refuse an expired certificate");
  }

  @Test
  void aCertificateNotYetValidIsRefusedNamingItsDates() {
    Instant from = NOW.plus(Duration.ofDays(3));
    Instant until = NOW.plus(Duration.ofDays(100));
    Path[] files = certificate("early", from, until);

    assertThat(error("server", "--cert", files[0].toString(), "--key", files[1].toString()))
        .isEqualTo(
            "niotls: the server certificate (CN=localhost) is not valid before "
                + from
                + " (valid from "
                + from
                + " to "
                + until
                + "): check this machine's clock, or use a certificate that is valid now");
  }

  @Test
  void aFileThatCannotBeReadIsNamedWithWhatToCheck() throws IOException {
    Path locked = write("locked.pem", Files.readString(cert));
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
    // Root reads any file whatever its mode; /proc/self/mem exists and fails every read at
    // offset 0, for root too. Either way, a certificate file that cannot be read.
    Path unreadable = Files.isReadable(locked) ? Path.of("/proc/self/mem") : locked;

    assertThat(error("server", "--cert", unreadable.toString(), "--key", key.toString()))
        .startsWith("niotls: cannot read certificate file " + unreadable + ": ")
        .endsWith("; check its permissions");
  }

  /** A self-signed localhost certificate and its key, valid from {@code from} until {@code to}. */
  private static Path[] certificate(String name, Instant from, Instant to) {
    GeneratedCertificate c =
        CertificateGenerator.leaf("localhost").validFrom(from).validUntil(to).generate();
    Path pem = dir.resolve(name + ".pem");
    Path keyPem = dir.resolve(name + ".key");
    c.writeCertificatePem(pem);
    c.writePrivateKeyPem(keyPem);
    return new Path[] {pem, keyPem};
  }

  private static Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content, StandardCharsets.US_ASCII);
  }
}
