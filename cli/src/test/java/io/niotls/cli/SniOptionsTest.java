package io.niotls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator;
import io.niotls.certs.GeneratedCertificate;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The usage mistakes of several {@code --cert/--key} pairs and {@code --sni-strict}: each one line,
 * {@code niotls: <message>}, exit code 2, before anything listens or connects. (What a real client
 * sees of a server with several certificates is {@code peers.SniServerTest}'s.)
 */
class SniOptionsTest {
  @TempDir static Path dir;
  static String a;
  static String aKey;
  static String b;
  static String bKey;
  static String noName;
  static String noNameKey;

  @BeforeAll
  static void files() {
    a = write("a", CertificateGenerator.selfSigned(CertificateGenerator.KeyType.EC_P256, "a.test"));
    aKey = dir.resolve("a.key").toString();
    b = write("b", CertificateGenerator.selfSigned(CertificateGenerator.KeyType.EC_P256, "b.test"));
    bKey = dir.resolve("b.key").toString();
    noName =
        write(
            "ip",
            CertificateGenerator.leaf("127.0.0.1")
                .subjectAltNames("127.0.0.1")
                .issuer(CertificateGenerator.ca("sni options CA").generate())
                .generate());
    noNameKey = dir.resolve("ip.key").toString();
  }

  private static String write(String name, GeneratedCertificate certificate) {
    certificate.writeCertificatePem(dir.resolve(name + ".pem"));
    certificate.writePrivateKeyPem(dir.resolve(name + ".key"));
    return dir.resolve(name + ".pem").toString();
  }

  private static String error(String... args) {
    Cli.Result r = Cli.run(args);
    assertThat(r.code()).as("exit code of %s", String.join(" ", args)).isEqualTo(Main.USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().strip()).startsWith("niotls: ").doesNotContain("\n");
    return r.err().strip();
  }

  @Test
  void aCertWithoutItsKeyIsNamedByCount() {
    assertThat(error("server", "--cert", a, "--key", aKey, "--cert", b))
        .isEqualTo(
            "niotls: --cert and --key come in pairs, the n-th --key for the n-th --cert: got 2"
                + " --cert and 1 --key");
  }

  @Test
  void severalPairsNeedTls() {
    assertThat(
            error(
                "server",
                "tcp://127.0.0.1:0",
                "--starttls",
                "smtp",
                "--cert",
                a,
                "--key",
                aKey,
                "--cert",
                b,
                "--key",
                bKey))
        .contains("several --cert/--key pairs need tls://")
        .contains("STARTTLS upgrades with one certificate");
  }

  @Test
  void sniStrictNeedsTheCertificatesItsNamesComeFrom() {
    assertThat(error("server", "--sni-strict"))
        .isEqualTo(
            "niotls: --sni-strict needs tls:// and --cert/--key pairs: the names to serve are read"
                + " from each certificate");
  }

  @Test
  void aClientPresentsOneCertificate() {
    assertThat(
            error(
                "client",
                "tls://127.0.0.1:1",
                "--cert",
                a,
                "--key",
                aKey,
                "--cert",
                b,
                "--key",
                bKey))
        .contains("2 --cert/--key pairs: only a tls:// server serves several certificates");
  }

  @Test
  void aCertificateThatNamesNoHostCannotBeChosenByName() {
    assertThat(error("server", "--cert", a, "--key", aKey, "--cert", noName, "--key", noNameKey))
        .contains("--cert " + noName)
        .contains("names no host")
        .contains("cannot be chosen by server name");
  }
}
