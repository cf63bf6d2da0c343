package io.niotls.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.certs.CertificateGenerator;
import io.niotls.context.Fingerprint.Algorithm;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FingerprintTest {
  private static final String SHA1_WITH_SPACES =
      "9d a4 84 fc f6 62 92 90 9a 62 d4 ca 65 fb 08 7e 06 45 de 24";
  private static final String SHA256_HEX =
      "5f0c5d2b9a1e7c3d4b6a8f0e1d2c3b4a5968778695a4b3c2d1e0f1a2b3c4d5e6";

  private static X509Certificate certificate;
  private static X509Certificate other;

  @BeforeAll
  static void generate() {
    certificate =
        CertificateGenerator.selfSigned(CertificateGenerator.KeyType.EC_P256, "a").certificate();
    other =
        CertificateGenerator.selfSigned(CertificateGenerator.KeyType.EC_P256, "b").certificate();
  }

  @Test
  void fortyHexDigitsWithSpacesAreASha1() {
    Fingerprint fingerprint = Fingerprint.parse(SHA1_WITH_SPACES);

    assertThat(fingerprint.algorithm()).isEqualTo(Algorithm.SHA1);
    assertThat(fingerprint.hex()).isEqualTo("9da484fcf66292909a62d4ca65fb087e0645de24");
  }

  @Test
  void sixtyFourUppercaseHexDigitsWithColonsAreASha256() {
    String colons = SHA256_HEX.toUpperCase().replaceAll("(..)(?!$)", "$1:");

    Fingerprint fingerprint = Fingerprint.parse(colons);

    assertThat(fingerprint.algorithm()).isEqualTo(Algorithm.SHA256);
    assertThat(fingerprint.hex()).isEqualTo(SHA256_HEX);
  }

  @Test
  void prefixesAreAcceptedInAnyCase() {
    assertThat(Fingerprint.parse("sha256:" + SHA256_HEX).hex()).isEqualTo(SHA256_HEX);
    assertThat(Fingerprint.parse("SHA-256:" + SHA256_HEX).hex()).isEqualTo(SHA256_HEX);
    assertThat(Fingerprint.parse("Sha1:" + SHA1_WITH_SPACES).algorithm()).isEqualTo(Algorithm.SHA1);
  }

  @Test
  void opensslFingerprintOutputIsAccepted() {
    String openssl = "SHA1 Fingerprint=" + SHA1_WITH_SPACES.toUpperCase().replace(' ', ':');

    assertThat(Fingerprint.parse(openssl).hex())
        .isEqualTo("9da484fcf66292909a62d4ca65fb087e0645de24");
  }

  @Test
  void aPrefixThatDisagreesWithTheLengthIsRejected() {
    assertThatThrownBy(() -> Fingerprint.parse("sha256:" + SHA1_WITH_SPACES))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("is marked sha256 but has 40 hex digits")
        .hasMessageContaining("expected 40 (SHA-1) or 64 (SHA-256) hex digits");
  }

  @Test
  void aWrongNumberOfDigitsIsRejectedQuotingTheInput() {
    assertThatThrownBy(() -> Fingerprint.parse("ab:cd:ef"))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("expected 40 (SHA-1) or 64 (SHA-256) hex digits")
        .hasMessageContaining("\"ab:cd:ef\"");
  }

  @Test
  void nonHexCharactersAreRejected() {
    String notHex = "zz" + SHA256_HEX.substring(2);

    assertThatThrownBy(() -> Fingerprint.parse(notHex))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("expected 40 (SHA-1) or 64 (SHA-256) hex digits")
        .hasMessageContaining(notHex);
  }

  @Test
  void nullIsRejectedWithTheSameAdvice() {
    assertThatThrownBy(() -> Fingerprint.parse(null))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("expected 40 (SHA-1) or 64 (SHA-256) hex digits");
  }

  @Test
  void toStringIsPrefixedLowercaseHexThatParsesBack() {
    Fingerprint fingerprint = Fingerprint.parse(SHA256_HEX.toUpperCase());

    assertThat(fingerprint.toString()).isEqualTo("sha256:" + SHA256_HEX);
    assertThat(Fingerprint.parse(fingerprint.toString())).isEqualTo(fingerprint);
    assertThat(Fingerprint.parse(SHA1_WITH_SPACES).toString()).startsWith("sha1:");
  }

  @Test
  void sha256OfACertificateIsTheDigestOfItsEncoding() throws Exception {
    byte[] expected = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());

    Fingerprint fingerprint = Fingerprint.sha256(certificate);

    assertThat(fingerprint.hex()).isEqualTo(HexFormat.of().formatHex(expected));
    assertThat(fingerprint).isEqualTo(Fingerprint.of(Algorithm.SHA256, certificate));
  }

  @Test
  void sha1OfACertificateIsTheDigestOfItsEncoding() throws Exception {
    byte[] expected = MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded());

    assertThat(Fingerprint.sha1(certificate).hex()).isEqualTo(HexFormat.of().formatHex(expected));
  }

  @Test
  void aFingerprintMatchesItsOwnCertificateOnly() {
    assertThat(Fingerprint.sha256(certificate).matches(certificate)).isTrue();
    assertThat(Fingerprint.sha256(certificate).matches(other)).isFalse();
    assertThat(Fingerprint.sha1(certificate).matches(certificate)).isTrue();
    assertThat(Fingerprint.sha1(certificate).matches(other)).isFalse();
  }

  @Test
  void aParsedSha1MatchesTheCertificateItWasTakenFrom() {
    Fingerprint parsed = Fingerprint.parse(Fingerprint.sha1(certificate).hex().toUpperCase());

    assertThat(parsed.matches(certificate)).isTrue();
  }

  @Test
  void equalFingerprintsHaveEqualHashCodes() {
    Fingerprint lower = Fingerprint.parse(SHA256_HEX);
    Fingerprint upper = Fingerprint.parse("SHA256:" + SHA256_HEX.toUpperCase());

    assertThat(lower).isEqualTo(upper).hasSameHashCodeAs(upper);
  }

  @Test
  void sha1AndSha256OfTheSameCertificateAreNotEqual() {
    assertThat(Fingerprint.sha1(certificate)).isNotEqualTo(Fingerprint.sha256(certificate));
  }
}
