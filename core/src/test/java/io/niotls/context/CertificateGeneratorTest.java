package io.niotls.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.niotls.certs.CertificateGenerator;
import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.certs.GeneratedCertificate;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CertificateGeneratorTest {
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final int DNS_NAME = 2;
  private static final int IP_ADDRESS = 7;
  private static final int DIGITAL_SIGNATURE = 0;
  private static final int KEY_ENCIPHERMENT = 2;
  private static final int KEY_CERT_SIGN = 5;

  private static GeneratedCertificate ca;

  @TempDir Path dir;

  @BeforeAll
  static void generateCa() {
    ca = CertificateGenerator.ca("niotls test CA").generate();
  }

  @Test
  void selfSignedIsNamedAfterItsFirstName() {
    X509Certificate certificate =
        CertificateGenerator.selfSigned(KeyType.EC_P256, "localhost", "127.0.0.1").certificate();

    assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
    assertThat(certificate.getIssuerX500Principal())
        .isEqualTo(certificate.getSubjectX500Principal());
  }

  @Test
  void hostNamesBecomeDnsNamesAndIpLiteralsBecomeIpAddresses() throws Exception {
    X509Certificate certificate =
        CertificateGenerator.selfSigned(
                KeyType.EC_P256, "localhost", "*.example.test", "127.0.0.1", "::1", "[fe80::2]")
            .certificate();

    assertThat(certificate.getSubjectAlternativeNames())
        .containsExactly(
            List.of(DNS_NAME, "localhost"),
            List.of(DNS_NAME, "*.example.test"),
            List.of(IP_ADDRESS, "127.0.0.1"),
            List.of(IP_ADDRESS, "0:0:0:0:0:0:0:1"),
            List.of(IP_ADDRESS, "fe80:0:0:0:0:0:0:2"));
  }

  @Test
  void leafWithoutSubjectAltNamesGetsItsCommonNameAsOne() throws Exception {
    X509Certificate certificate = CertificateGenerator.leaf("server.test").generate().certificate();

    assertThat(certificate.getSubjectAlternativeNames())
        .containsExactly(List.of(DNS_NAME, "server.test"));
  }

  @Test
  void aNameThatIsNeitherAHostNorAnIpIsRejected() {
    assertThatThrownBy(() -> CertificateGenerator.leaf("x").subjectAltNames("not a host"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a DNS name or an IP address: \"not a host\"");
  }

  @Test
  void leafIsForServerAndClientAuthenticationAndIsNoCa() throws Exception {
    X509Certificate certificate = CertificateGenerator.leaf("localhost").generate().certificate();

    assertThat(certificate.getExtendedKeyUsage()).containsExactly(SERVER_AUTH, CLIENT_AUTH);
    assertThat(certificate.getBasicConstraints()).isEqualTo(-1);
  }

  @Test
  void ecLeafMaySignButNotEncipherKeys() {
    boolean[] usage = CertificateGenerator.leaf("localhost").generate().certificate().getKeyUsage();

    assertThat(usage[DIGITAL_SIGNATURE]).isTrue();
    assertThat(usage[KEY_ENCIPHERMENT]).isFalse();
    assertThat(usage[KEY_CERT_SIGN]).isFalse();
  }

  @Test
  void rsaLeafHasA2048BitKeyThatMayAlsoEncipherKeys() {
    X509Certificate certificate =
        CertificateGenerator.leaf("localhost").keyType(KeyType.RSA_2048).generate().certificate();

    assertThat(((RSAPublicKey) certificate.getPublicKey()).getModulus().bitLength())
        .isEqualTo(2048);
    assertThat(certificate.getKeyUsage()[DIGITAL_SIGNATURE]).isTrue();
    assertThat(certificate.getKeyUsage()[KEY_ENCIPHERMENT]).isTrue();
  }

  @Test
  void ecKeysAreOnP256() {
    GeneratedCertificate generated = CertificateGenerator.leaf("localhost").generate();

    assertThat(generated.privateKey().getAlgorithm()).isEqualTo("EC");
    assertThat(generated.certificate().getSigAlgName()).isEqualTo("SHA256withECDSA");
  }

  @Test
  void caMaySignCertificates() {
    X509Certificate certificate = ca.certificate();

    assertThat(certificate.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(certificate.getKeyUsage()[KEY_CERT_SIGN]).isTrue();
  }

  @Test
  void leafIssuedByACaIsSignedWithTheCaKey() throws Exception {
    X509Certificate leaf =
        CertificateGenerator.leaf("localhost").issuer(ca).generate().certificate();

    leaf.verify(ca.certificate().getPublicKey());
    assertThat(leaf.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
  }

  @Test
  void rsaLeafIssuedByAnEcCaIsSignedWithEcdsa() throws Exception {
    X509Certificate leaf =
        CertificateGenerator.leaf("localhost")
            .keyType(KeyType.RSA_2048)
            .issuer(ca)
            .generate()
            .certificate();

    leaf.verify(ca.certificate().getPublicKey());
    assertThat(leaf.getSigAlgName()).isEqualTo("SHA256withECDSA");
  }

  @Test
  void keyMaterialChainIsTheLeafThenItsIssuersUpToTheRoot() {
    GeneratedCertificate intermediate =
        CertificateGenerator.ca("niotls intermediate").issuer(ca).generate();
    GeneratedCertificate leaf =
        CertificateGenerator.leaf("localhost").issuer(intermediate).generate();

    assertThat(leaf.keyMaterial().chain())
        .containsExactly(leaf.certificate(), intermediate.certificate(), ca.certificate());
    assertThat(leaf.keyMaterial().privateKey()).isSameAs(leaf.privateKey());
  }

  @Test
  void issuerThatIsNotACaIsRejected() {
    GeneratedCertificate leaf = CertificateGenerator.leaf("localhost").generate();

    assertThatThrownBy(() -> CertificateGenerator.leaf("other").issuer(leaf))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CN=localhost is not a CA");
  }

  @Test
  void validityDefaultsToAnHourAgoUntilADayFromNow() {
    Instant now = Instant.now();

    X509Certificate certificate = CertificateGenerator.leaf("localhost").generate().certificate();

    assertThat(certificate.getNotBefore().toInstant())
        .isCloseTo(now.minus(Duration.ofHours(1)), within(5, ChronoUnit.SECONDS));
    assertThat(certificate.getNotAfter().toInstant())
        .isCloseTo(now.plus(Duration.ofDays(1)), within(5, ChronoUnit.SECONDS));
  }

  @Test
  void validityCanBeChosen() {
    Instant from = Instant.parse("2020-01-01T00:00:00Z");
    Instant until = Instant.parse("2021-01-01T00:00:00Z");

    X509Certificate certificate =
        CertificateGenerator.leaf("localhost")
            .validFrom(from)
            .validUntil(until)
            .generate()
            .certificate();

    assertThat(certificate.getNotBefore().toInstant()).isEqualTo(from);
    assertThat(certificate.getNotAfter().toInstant()).isEqualTo(until);
  }

  @Test
  void validityThatEndsBeforeItStartsIsRejected() {
    Instant from = Instant.parse("2021-01-01T00:00:00Z");

    assertThatThrownBy(
            () ->
                CertificateGenerator.leaf("localhost")
                    .validFrom(from)
                    .validUntil(from.minusSeconds(1))
                    .generate())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not after validFrom");
  }

  @Test
  void everyCertificateHasItsOwnSerialNumber() {
    CertificateGenerator.Builder builder = CertificateGenerator.leaf("localhost");

    assertThat(builder.generate().certificate().getSerialNumber())
        .isNotEqualTo(builder.generate().certificate().getSerialNumber());
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void jdkTrustManagerAcceptsALeafIssuedByATrustedCa(KeyType type) throws Exception {
    GeneratedCertificate leaf =
        CertificateGenerator.leaf("localhost").keyType(type).issuer(ca).generate();
    X509Certificate[] chain = leaf.keyMaterial().chain().toArray(new X509Certificate[0]);
    String authType = type == KeyType.RSA_2048 ? "ECDHE_RSA" : "ECDHE_ECDSA";

    X509TrustManager trustManager = trustManager(Pem.trustStore(List.of(ca.certificate())));

    trustManager.checkServerTrusted(chain, authType);
    trustManager.checkClientTrusted(chain, authType);
  }

  @Test
  void jdkTrustManagerRejectsALeafItDoesNotTrust() throws Exception {
    GeneratedCertificate stranger = CertificateGenerator.selfSigned(KeyType.EC_P256, "localhost");
    X509TrustManager trustManager = trustManager(Pem.trustStore(List.of(ca.certificate())));

    assertThatThrownBy(
            () ->
                trustManager.checkServerTrusted(
                    new X509Certificate[] {stranger.certificate()}, "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class);
  }

  @Test
  void keyStoreHoldsEveryEntryUnderItsAlias() throws Exception {
    Map<String, GeneratedCertificate> entries = new LinkedHashMap<>();
    entries.put("first", CertificateGenerator.leaf("first.test").issuer(ca).generate());
    entries.put("second", CertificateGenerator.leaf("second.test").generate());
    Path file = dir.resolve("store.jks");
    char[] password = "store-pass".toCharArray();

    GeneratedCertificate.writeKeyStore(file, "JKS", password, entries);

    KeyStore store = Pem.loadKeyStore(file, password);
    assertThat(store.getType()).isEqualToIgnoringCase("JKS");
    assertThat(Collections.list(store.aliases())).containsExactlyInAnyOrder("first", "second");
    assertThat(store.getCertificateChain("first")).hasSize(2);
    assertThat(store.getKey("second", password)).isEqualTo(entries.get("second").privateKey());
  }

  @Test
  void fingerprintsAreThoseOfTheCertificate() {
    GeneratedCertificate generated = CertificateGenerator.leaf("localhost").generate();

    assertThat(generated.sha256()).isEqualTo(Fingerprint.sha256(generated.certificate()));
    assertThat(generated.sha1()).isEqualTo(Fingerprint.sha1(generated.certificate()));
    assertThat(generated.keyMaterial().fingerprint()).isEqualTo(generated.sha256());
  }

  private static X509TrustManager trustManager(KeyStore trustStore) throws Exception {
    TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
    factory.init(trustStore);
    return (X509TrustManager) factory.getTrustManagers()[0];
  }
}
