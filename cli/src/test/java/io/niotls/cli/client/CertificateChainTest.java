package io.niotls.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator;
import io.niotls.certs.GeneratedCertificate;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateChainTest {
  private final GeneratedCertificate root = CertificateGenerator.ca("chain root").generate();
  private final GeneratedCertificate intermediate =
      CertificateGenerator.ca("chain intermediate").issuer(root).generate();
  private final GeneratedCertificate leaf =
      CertificateGenerator.leaf("leaf.example").issuer(intermediate).generate();

  @Test
  void eachCertificateGetsItsPositionSubjectAndIssuerThenItsPem() {
    String text = CertificateChain.format(List.of(leaf.certificate(), intermediate.certificate()));
    assertThat(text.lines())
        .startsWith(
            "certificate chain (2 certificates sent by the server, leaf first)",
            " 0 s:CN=leaf.example",
            "   i:CN=chain intermediate",
            "-----BEGIN CERTIFICATE-----")
        .contains(" 1 s:CN=chain intermediate", "   i:CN=chain root")
        .endsWith("-----END CERTIFICATE-----");
    assertThat(text).endsWith("\n");
  }

  @Test
  void thePemBlocksDecodeToTheCertificatesSentInTheirOrder() throws Exception {
    String text = CertificateChain.format(List.of(leaf.certificate(), intermediate.certificate()));
    // CertificateFactory reads concatenated PEM blocks and skips the text around them
    List<Certificate> read = new ArrayList<>();
    for (String block : text.split("(?=-----BEGIN CERTIFICATE-----)")) {
      if (block.contains("-----BEGIN")) {
        read.add(
            CertificateFactory.getInstance("X.509")
                .generateCertificate(
                    new ByteArrayInputStream(
                        block
                            .substring(0, block.indexOf("-----END CERTIFICATE-----") + 25)
                            .getBytes(StandardCharsets.US_ASCII))));
      }
    }
    assertThat(read).containsExactly(leaf.certificate(), intermediate.certificate());
  }

  @Test
  void pemLinesAreSixtyFourCharactersAtMost() {
    assertThat(CertificateChain.pem(leaf.certificate()).lines()).allMatch(l -> l.length() <= 64);
  }

  @Test
  void noCertificateIsSaidInOneLine() {
    assertThat(CertificateChain.format(List.of()))
        .isEqualTo("certificate chain: the server sent no certificate\n");
  }
}
