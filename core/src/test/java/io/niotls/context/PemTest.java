package io.niotls.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.certs.CertificateGenerator;
import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.certs.GeneratedCertificate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemTest {
  private static final char[] PASSWORD = "store-pass".toCharArray();

  private static GeneratedCertificate ca;
  private static GeneratedCertificate leaf;

  @TempDir Path dir;

  @BeforeAll
  static void generate() {
    ca = CertificateGenerator.ca("pem test CA").generate();
    leaf = CertificateGenerator.leaf("localhost").issuer(ca).generate();
  }

  @Test
  void bundleIsReadInFileOrder() {
    Path bundle = dir.resolve("bundle.pem");
    leaf.writeCertificatePem(bundle);

    assertThat(Pem.readCertificates(bundle)).containsExactly(leaf.certificate(), ca.certificate());
  }

  @Test
  void textAroundThePemBlocksIsIgnored() throws IOException {
    Path bundle = dir.resolve("bundle.pem");
    leaf.writeCertificatePem(bundle);
    Path annotated = dir.resolve("annotated.pem");
    Files.writeString(annotated, "subject=CN = localhost\n" + Files.readString(bundle) + "# end\n");

    assertThat(Pem.readCertificates(annotated)).hasSize(2);
  }

  @Test
  void aDerCertificateIsReadToo() throws Exception {
    Path der = Files.write(dir.resolve("leaf.der"), leaf.certificate().getEncoded());

    assertThat(Pem.readCertificates(der)).containsExactly(leaf.certificate());
  }

  @Test
  void fileWithoutPemBlocksIsRejected() throws IOException {
    Path empty = Files.writeString(dir.resolve("empty.pem"), "");

    assertThatThrownBy(() -> Pem.readCertificates(empty))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("certificate file " + empty + " is not a PEM file")
        .hasMessageContaining("expected one or more -----BEGIN CERTIFICATE----- blocks");
  }

  @Test
  void corruptPemIsRejected() throws IOException {
    Path corrupt =
        Files.writeString(
            dir.resolve("corrupt.pem"),
            "-----BEGIN CERTIFICATE-----\nnot*base64!\n-----END CERTIFICATE-----\n");

    assertThatThrownBy(() -> Pem.readCertificates(corrupt))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("certificate file " + corrupt + " holds corrupt or unsupported PEM");
  }

  @Test
  void missingCertificateFileIsNamed() {
    Path missing = dir.resolve("nowhere.pem");

    assertThatThrownBy(() -> Pem.readCertificates(missing))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("certificate file " + missing + " does not exist");
  }

  @Test
  void relativeMissingFileIsAlsoShownResolved() {
    Path relative = Path.of("no-such-dir", "cert.pem");

    assertThatThrownBy(() -> Pem.readCertificates(relative))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining(relative.toAbsolutePath().toString());
  }

  @Test
  void trustStoreHoldsEveryCertificateAsATrustedEntry() throws Exception {
    KeyStore store = Pem.trustStore(List.of(leaf.certificate(), ca.certificate()));

    assertThat(Collections.list(store.aliases())).hasSize(2);
    for (String alias : Collections.list(store.aliases())) {
      assertThat(store.isCertificateEntry(alias)).isTrue();
    }
    assertThat(store.getCertificateAlias(ca.certificate())).isNotNull();
  }

  @Test
  void trustStoreOfNoCertificatesIsRejected() {
    assertThatThrownBy(() -> Pem.trustStore(List.of()))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("no trusted certificates given");
  }

  @Test
  void keyStoreTypeIsRecognisedByContentNotName() {
    Path jks = dir.resolve("store.bin");
    GeneratedCertificate.writeKeyStore(jks, "JKS", PASSWORD, java.util.Map.of("server", leaf));
    Path p12 = dir.resolve("store.jks");
    leaf.writePkcs12(p12, PASSWORD, "server");

    assertThat(Pem.loadKeyStore(jks, PASSWORD).getType()).isEqualToIgnoringCase("JKS");
    assertThat(Pem.loadKeyStore(p12, PASSWORD).getType()).isEqualToIgnoringCase("PKCS12");
  }

  @Test
  void keyStoreWithAWrongPasswordIsRejected() {
    Path p12 = dir.resolve("store.p12");
    leaf.writePkcs12(p12, PASSWORD, "server");

    assertThatThrownBy(() -> Pem.loadKeyStore(p12, "guess".toCharArray()))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("wrong password for keystore " + p12)
        .message()
        .doesNotContain("guess");
  }

  @Test
  void randomBytesAreNotAKeyStore() throws IOException {
    Path junk = Files.write(dir.resolve("junk.p12"), "definitely not a keystore".getBytes());

    assertThatThrownBy(() -> Pem.loadKeyStore(junk, PASSWORD))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining(junk + " is not a keystore: expected a PKCS#12 (.p12, .pfx) or JKS");
  }

  @Test
  void truncatedKeyStoreIsRejected() throws IOException {
    Path p12 = dir.resolve("store.p12");
    leaf.writePkcs12(p12, PASSWORD, "server");
    byte[] bytes = Files.readAllBytes(p12);
    Path truncated =
        Files.write(dir.resolve("truncated.p12"), Arrays.copyOf(bytes, bytes.length / 2));

    assertThatThrownBy(() -> Pem.loadKeyStore(truncated, PASSWORD))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining(truncated.toString());
  }

  @Test
  void missingKeyStoreIsNamed() {
    Path missing = dir.resolve("nowhere.p12");

    assertThatThrownBy(() -> Pem.loadKeyStore(missing, PASSWORD))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("keystore " + missing + " does not exist");
  }

  @Test
  void ecSelfSignedCertificateRoundTripsThroughPem() {
    GeneratedCertificate selfSigned = CertificateGenerator.selfSigned(KeyType.EC_P256, "a.test");
    Path file = dir.resolve("self.pem");
    selfSigned.writeCertificatePem(file);

    assertThat(Pem.readCertificates(file)).containsExactly(selfSigned.certificate());
  }
}
