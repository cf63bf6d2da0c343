package io.niotls.context;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator;
import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.certs.GeneratedCertificate;
import io.niotls.testing.ChildProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Files written by the {@code openssl} command line load here, and ours load there. */
class OpensslInteropTest {
  private static final String PASSWORD = "openssl-pass";

  private static final String EC = "genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256";
  private static final String RSA = "genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048";
  private static final String ED25519 = "genpkey -algorithm ED25519";

  private static final String PKCS8 = "pkey";
  private static final String ENCRYPTED_PKCS8 =
      "pkcs8 -topk8 -v2 aes-256-cbc -passout pass:" + PASSWORD;
  private static final String TRADITIONAL = "pkey -traditional";
  private static final String ENCRYPTED_TRADITIONAL =
      "pkey -traditional -aes256 -passout pass:" + PASSWORD;

  @TempDir Path dir;

  @BeforeAll
  static void requireOpenssl() {
    // .ci/run installs openssl: a machine without it fails here instead of skipping silently.
    assertThat(opensslWorks()).as("the openssl command line is installed").isTrue();
  }

  static Stream<Arguments> opensslKeyForms() {
    return Stream.of(
        Arguments.of(EC, PKCS8, "-----BEGIN PRIVATE KEY-----"),
        Arguments.of(EC, ENCRYPTED_PKCS8, "-----BEGIN ENCRYPTED PRIVATE KEY-----"),
        Arguments.of(EC, TRADITIONAL, "-----BEGIN EC PRIVATE KEY-----"),
        Arguments.of(EC, ENCRYPTED_TRADITIONAL, "Proc-Type: 4,ENCRYPTED"),
        Arguments.of(RSA, PKCS8, "-----BEGIN PRIVATE KEY-----"),
        Arguments.of(RSA, ENCRYPTED_PKCS8, "-----BEGIN ENCRYPTED PRIVATE KEY-----"),
        Arguments.of(RSA, TRADITIONAL, "-----BEGIN RSA PRIVATE KEY-----"),
        Arguments.of(RSA, ENCRYPTED_TRADITIONAL, "Proc-Type: 4,ENCRYPTED"),
        Arguments.of(ED25519, PKCS8, "-----BEGIN PRIVATE KEY-----"),
        Arguments.of(ED25519, ENCRYPTED_PKCS8, "-----BEGIN ENCRYPTED PRIVATE KEY-----"));
  }

  @ParameterizedTest(name = "{0} | {1}")
  @MethodSource("opensslKeyForms")
  void keyWrittenByOpensslLoadsAndMatchesItsCertificate(String keygen, String form, String marker)
      throws IOException {
    openssl(keygen + " -out generated.pem");
    openssl("req -new -x509 -key generated.pem -subj /CN=openssl -days 1 -out cert.pem");
    openssl(form + " -in generated.pem -out key.pem");

    KeyMaterial material =
        KeyMaterial.fromPem(
            dir.resolve("cert.pem"), dir.resolve("key.pem"), PASSWORD.toCharArray());

    assertThat(Files.readString(dir.resolve("key.pem"))).contains(marker);
    assertThat(material.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=openssl");
  }

  @Test
  void ecKeyWithAnEcParametersBlockLoads() throws IOException {
    openssl("ecparam -name prime256v1 -genkey -out key.pem");
    openssl("req -new -x509 -key key.pem -subj /CN=openssl -days 1 -out cert.pem");

    KeyMaterial material = KeyMaterial.fromPem(dir.resolve("cert.pem"), dir.resolve("key.pem"));

    assertThat(Files.readString(dir.resolve("key.pem"))).contains("-----BEGIN EC PARAMETERS-----");
    assertThat(material.privateKey().getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void opensslFingerprintsParseToOurs() throws IOException {
    GeneratedCertificate generated = CertificateGenerator.selfSigned(KeyType.EC_P256, "localhost");
    Path certificate = dir.resolve("cert.pem");
    generated.writeCertificatePem(certificate);

    String sha256 = openssl("x509 -in cert.pem -noout -fingerprint -sha256");
    String sha1 = openssl("x509 -in cert.pem -noout -fingerprint -sha1");

    assertThat(Fingerprint.parse(sha256)).isEqualTo(generated.sha256());
    assertThat(Fingerprint.parse(sha1)).isEqualTo(generated.sha1());
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void opensslReadsEveryKeyFormWeWrite(KeyType type) throws IOException {
    GeneratedCertificate generated = CertificateGenerator.selfSigned(type, "localhost");
    generated.writePrivateKeyPem(dir.resolve("pkcs8.pem"));
    generated.writeEncryptedPrivateKeyPem(dir.resolve("encrypted.pem"), PASSWORD.toCharArray());
    generated.writeTraditionalPrivateKeyPem(dir.resolve("traditional.pem"));
    generated.writeCertificatePem(dir.resolve("cert.pem"));
    String publicKey = openssl("x509 -in cert.pem -noout -pubkey");

    for (String file : List.of("pkcs8.pem", "encrypted.pem", "traditional.pem")) {
      assertThat(openssl("pkey -in " + file + " -passin pass:" + PASSWORD + " -pubout"))
          .as(file)
          .isEqualTo(publicKey);
    }
  }

  @Test
  void opensslReadsOurPkcs12() throws IOException {
    GeneratedCertificate ca = CertificateGenerator.ca("interop CA").generate();
    GeneratedCertificate leaf = CertificateGenerator.leaf("localhost").issuer(ca).generate();
    leaf.writePkcs12(dir.resolve("store.p12"), PASSWORD.toCharArray(), "server");

    String dump = openssl("pkcs12 -in store.p12 -passin pass:" + PASSWORD + " -nodes");

    assertThat(dump)
        .contains("friendlyName: server", "subject=CN = localhost", "subject=CN = interop CA");
  }

  private String openssl(String arguments) throws IOException {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(arguments.split(" ")));
    try (ChildProcess openssl = ChildProcess.inDirectory(dir, command.toArray(new String[0]))) {
      openssl.endInput();
      assertThat(openssl.waitFor(Duration.ofSeconds(60)))
          .as("openssl " + arguments + "\n" + openssl.out())
          .isZero();
      return openssl.out();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static boolean opensslWorks() {
    try (ChildProcess openssl = ChildProcess.program("openssl", "version")) {
      return openssl.waitFor(Duration.ofSeconds(30)) == 0;
    } catch (IOException notInstalled) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
