package io.niotls.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.certs.GeneratedCertificate;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.engine.Status;
import io.niotls.engine.TlsException;
import io.niotls.testing.Contexts;
import io.niotls.testing.MemoryPair;
import io.niotls.testing.TestPki;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A client with niotls's defaults refuses a server it should not trust: one whose certificate,
 * signed by a trusted CA, names another host (another site's certificate), and one whose
 * self-signed certificate names the right host (an impostor). The client fails with SSL and a
 * message that says which, and no session.
 */
class PeerVerificationTest {

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL", "BORINGSSL"})
  void aCertificateForAnotherHostIsRefused(Provider provider) {
    TlsException failure = clientFailureAgainst(provider, TestPki.ec().otherServer());

    assertThat(failure.status()).isEqualTo(Status.SSL);
    assertThat(failure.getMessage())
        .startsWith("the peer's certificate does not name the host we connected to");
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL", "BORINGSSL"})
  void aSelfSignedImpostorIsRefused(Provider provider) {
    TlsException failure = clientFailureAgainst(provider, TestPki.ec().stranger());

    assertThat(failure.status()).isEqualTo(Status.SSL);
    assertThat(failure.getMessage()).startsWith("the peer's certificate is not trusted");
  }

  /** Why a client with the defaults failed against a server presenting {@code certificate}. */
  private static TlsException clientFailureAgainst(
      Provider provider, GeneratedCertificate certificate) {
    TlsContext client = Contexts.client(provider, KeyType.EC_P256).build();
    TlsContext server = TlsContext.forServer(certificate.keyMaterial()).provider(provider).build();
    try (MemoryPair pair = MemoryPair.wholeRecords(client, server)) {
      Status[] statuses = pair.handshakeUntilFailure();
      assertThat(statuses[0]).as("client status").isEqualTo(Status.SSL);
      assertThat(pair.client.session()).isNull();
      return pair.client.failure();
    }
  }
}
