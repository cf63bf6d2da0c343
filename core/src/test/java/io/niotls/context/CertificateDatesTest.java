package io.niotls.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.certs.CertificateGenerator;
import io.niotls.certs.GeneratedCertificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/** A server context refuses, when built, a certificate chain that is not valid now. */
class CertificateDatesTest {
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  @Test
  void anExpiredServerCertificateIsRefusedNamingItsDates() {
    Instant from = NOW.minus(Duration.ofDays(400));
    Instant until = NOW.minus(Duration.ofDays(35));
    KeyMaterial expired =
        CertificateGenerator.leaf("old.test")
            .validFrom(from)
            .validUntil(until)
            .generate()
            .keyMaterial();

    assertThatThrownBy(() -> TlsContext.forServer(expired).build())
        .isInstanceOf(TlsConfigException.class)
        .hasMessage(
            "the server certificate (CN=old.test) expired on "
                + until
                + " (valid from "
                + from
                + " to "
                + until
                + "): renew it; clients refuse an expired certificate");
  }

  @Test
  void aServerCertificateNotYetValidIsRefusedNamingItsDates() {
    Instant from = NOW.plus(Duration.ofDays(2));
    Instant until = NOW.plus(Duration.ofDays(90));
    KeyMaterial early =
        CertificateGenerator.leaf("new.test")
            .validFrom(from)
            .validUntil(until)
            .generate()
            .keyMaterial();

    assertThatThrownBy(() -> TlsContext.forServer(early).build())
        .isInstanceOf(TlsConfigException.class)
        .hasMessageStartingWith("the server certificate (CN=new.test) is not valid before " + from)
        .hasMessageEndingWith("check this machine's clock, or use a certificate that is valid now");
  }

  @Test
  void anExpiredCertificateInTheChainIsNamedByItsPlace() {
    GeneratedCertificate ca =
        CertificateGenerator.ca("old CA")
            .validFrom(NOW.minus(Duration.ofDays(800)))
            .validUntil(NOW.minus(Duration.ofDays(1)))
            .generate();
    GeneratedCertificate leaf = CertificateGenerator.leaf("leaf.test").issuer(ca).generate();
    KeyMaterial withOldCa = KeyMaterial.of(leaf.privateKey(), leaf.certificate(), ca.certificate());

    assertThatThrownBy(() -> TlsContext.forServer(withOldCa).build())
        .isInstanceOf(TlsConfigException.class)
        .hasMessageStartingWith("certificate #2 of the chain (CN=old CA) expired on");
  }

  @Test
  void aServerCertificateValidNowIsTaken() {
    KeyMaterial current =
        CertificateGenerator.selfSigned(CertificateGenerator.KeyType.EC_P256, "ok.test")
            .keyMaterial();

    assertThat(TlsContext.forServer(current).build().keyMaterial()).isSameAs(current);
  }
}
