package io.niotls.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.certs.GeneratedCertificate;
import io.niotls.context.Fingerprint;
import io.niotls.context.TlsContext;
import io.niotls.testing.MemoryPair;
import io.niotls.testing.TestPki;
import org.junit.jupiter.api.Test;

/** What a client trusts: the CA's chain, pinned fingerprints in addition to it or instead of it. */
interface TrustContract extends Contract {

  /** {@code "9d a4 84 ..."}: the fingerprint as a person copies it, spaces between bytes. */
  static String spaced(Fingerprint fingerprint) {
    return fingerprint.hex().replaceAll("(..)(?!$)", "$1 ");
  }

  private TlsContext serverWith(GeneratedCertificate certificate) {
    return TlsContext.forServer(certificate.keyMaterial()).provider(peers().server()).build();
  }

  @Test
  default void aServerMatchingItsPinIsAccepted() {
    GeneratedCertificate server = TestPki.ec().server();
    TlsContext client =
        peers().clientContext(KeyType.EC_P256).pin(server.sha256().toString()).build();
    try (MemoryPair pair = MemoryPair.builder(client, serverWith(server)).build()) {
      pair.handshake();

      assertThat(pair.client.session().peerFingerprint()).isEqualTo(server.sha256());
    }
  }

  @Test
  default void aSelfSignedServerPinnedBySha1WithSpacesIsAcceptedWithoutAChain() {
    GeneratedCertificate stranger = TestPki.ec().stranger();
    TlsContext client =
        TlsContext.forClient()
            .provider(peers().client())
            .pin(spaced(stranger.sha1()))
            .pinsReplaceChainValidation()
            .build();
    try (MemoryPair pair = MemoryPair.builder(client, serverWith(stranger)).build()) {
      pair.handshake();

      assertThat(pair.client.session().peerFingerprint()).isEqualTo(stranger.sha256());
    }
  }

  @Test
  default void aServerNotMatchingThePinIsRefusedThoughItsChainIsValid() {
    GeneratedCertificate server = TestPki.ec().server();
    Fingerprint otherPin = TestPki.ec().otherServer().sha256();
    TlsContext client = peers().clientContext(KeyType.EC_P256).pin(otherPin.toString()).build();
    try (MemoryPair pair = MemoryPair.builder(client, serverWith(server)).build()) {
      TlsException failure = handshakeFailure(pair, pair.client);

      assertThat(failure)
          .hasMessageStartingWith("the peer's certificate does not match any pinned fingerprint")
          .hasMessageContaining("the peer's certificate " + server.sha256())
          .hasMessageContaining("is not pinned; pins: " + otherPin);
      assertThat(pair.server.status()).isEqualTo(Status.SSL);
    }
  }

  @Test
  default void aSelfSignedServerThatIsNotPinnedIsRefused() {
    GeneratedCertificate stranger = TestPki.ec().stranger();
    TlsContext client =
        TlsContext.forClient()
            .provider(peers().client())
            .pin(TestPki.ec().server().sha256().toString())
            .pinsReplaceChainValidation()
            .build();
    try (MemoryPair pair = MemoryPair.builder(client, serverWith(stranger)).build()) {
      TlsException failure = handshakeFailure(pair, pair.client);

      assertThat(failure)
          .hasMessageStartingWith("the peer's certificate does not match any pinned fingerprint")
          .hasMessageContaining(stranger.sha256().toString());
    }
  }

  @Test
  default void aServerNameOverrideIsTheOnlyIdentityChecked() {
    // The certificate names localhost and 127.0.0.1; the client connects to 127.0.0.1 but names
    // another server. SunJSSE's trust manager, left to itself, falls back to the connect host
    // when the SNI name does not match, and would accept.
    TlsContext client = peers().clientContext(KeyType.EC_P256).serverName("evil.example").build();
    try (MemoryPair pair =
        MemoryPair.builder(client, serverWith(TestPki.ec().server()))
            .host("127.0.0.1", 443)
            .build()) {
      TlsException failure = handshakeFailure(pair, pair.client);

      assertThat(failure).hasMessageContaining("evil.example");
    }
  }

  @Test
  default void aServerNameOverrideThatTheCertificateNamesIsAccepted() {
    TlsContext client = peers().clientContext(KeyType.EC_P256).serverName("localhost").build();
    try (MemoryPair pair =
        MemoryPair.builder(client, serverWith(TestPki.ec().server()))
            .host("127.0.0.1", 443)
            .build()) {
      pair.handshake();

      assertThat(pair.client.session().serverName()).isEqualTo("localhost");
    }
  }

  @Test
  default void aServerWhoseChainIsNotTrustedIsRefused() {
    TlsContext client = peers().clientContext(KeyType.EC_P256).build();
    try (MemoryPair pair =
        MemoryPair.builder(client, serverWith(TestPki.ec().stranger())).build()) {
      TlsException failure = handshakeFailure(pair, pair.client);

      assertThat(failure)
          .hasMessageStartingWith(
              "the peer's certificate is not trusted: add its CA to the trust settings or pin it");
    }
  }
}
