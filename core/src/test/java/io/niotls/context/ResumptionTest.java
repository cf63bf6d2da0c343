package io.niotls.context;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.testing.Contexts;
import io.niotls.testing.MemoryPair;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** sessionResumption() decides whether a client's second handshake to one server resumes. */
class ResumptionTest {

  @ParameterizedTest
  @CsvSource({"JDK,TLSv1.3", "JDK,TLSv1.2", "OPENSSL,TLSv1.3", "OPENSSL,TLSv1.2"})
  void aClientWithResumptionOffNeverResumes(Provider provider, String protocol) {
    TlsContext server = Contexts.server(provider, KeyType.EC_P256).protocols(protocol).build();
    TlsContext client =
        Contexts.client(provider, KeyType.EC_P256)
            .protocols(protocol)
            .sessionResumption(false)
            .build();
    for (int i = 0; i < 3; i++) {
      assertThat(handshakeAndExchange(client, server)).as("handshake %d resumed", i).isFalse();
    }
  }

  @ParameterizedTest
  @CsvSource({"JDK,TLSv1.3", "JDK,TLSv1.2", "OPENSSL,TLSv1.3", "OPENSSL,TLSv1.2"})
  void aClientWithResumptionOnResumesItsSecondHandshake(Provider provider, String protocol) {
    TlsContext server = Contexts.server(provider, KeyType.EC_P256).protocols(protocol).build();
    TlsContext client = Contexts.client(provider, KeyType.EC_P256).protocols(protocol).build();
    assertThat(handshakeAndExchange(client, server)).isFalse();
    assertThat(handshakeAndExchange(client, server)).isTrue();
  }

  /** A handshake plus a byte each way, so TLS 1.3 session tickets are read; true if resumed. */
  private static boolean handshakeAndExchange(TlsContext client, TlsContext server) {
    try (MemoryPair pair = MemoryPair.wholeRecords(client, server)) {
      pair.handshake();
      pair.send(pair.server, pair.client, new byte[] {1});
      pair.send(pair.client, pair.server, new byte[] {2});
      return pair.client.session().resumed();
    }
  }
}
