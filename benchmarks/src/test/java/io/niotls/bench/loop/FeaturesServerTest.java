package io.niotls.bench.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.context.OcspResponse;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FeaturesServerTest {
  @Test
  void theStapledResponseIsAGoodOneAboutTheServerCertificateSignedByItsCa() throws Exception {
    LoopPki pki = LoopPki.create("TLSv1.3");
    OcspResponse response = FeaturesServer.goodResponse(pki.ca(), pki.leaf());

    assertThat(response.responseStatus()).isEqualTo("successful");
    assertThat(response.certStatus()).isEqualTo("good");
    assertThat(response.serialNumber()).isEqualTo(pki.leaf().certificate().getSerialNumber());
    response.verify(
        pki.leaf().certificate(), pki.ca().certificate(), Instant.now()); // throws if not
  }
}
