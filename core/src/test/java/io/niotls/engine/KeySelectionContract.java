package io.niotls.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.certs.GeneratedCertificate;
import io.niotls.context.KeyMaterial;
import io.niotls.context.KeySelector;
import io.niotls.context.TlsContext;
import io.niotls.testing.MemoryPair;
import io.niotls.testing.TestPki;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's certificate picked out of a keystore with several entries, by alias or by
 * fingerprint, and used in a real handshake: the client pins the one that should be chosen and
 * checks that it got it. Two entries are valid for localhost, so a wrong pick would still handshake
 * without the pin.
 */
interface KeySelectionContract extends Contract {
  char[] PASSWORD = "keystore secret".toCharArray();

  private static Path keystore(Path dir) {
    Map<String, GeneratedCertificate> entries = new LinkedHashMap<>();
    entries.put("localhost-ec", TestPki.ec().server());
    entries.put("localhost-rsa", TestPki.of(KeyType.RSA_2048).server());
    entries.put("other", TestPki.ec().otherServer());
    Path file = dir.resolve("server.p12");
    GeneratedCertificate.writeKeyStore(file, "PKCS12", PASSWORD, entries);
    return file;
  }

  private void handshakePresenting(GeneratedCertificate expected, KeySelector selector, Path dir) {
    KeyMaterial chosen = KeyMaterial.fromKeyStore(keystore(dir), PASSWORD, selector);
    TlsContext server = TlsContext.forServer(chosen).provider(peers().server()).build();
    TlsContext client =
        TlsContext.forClient()
            .provider(peers().client())
            .trustCertificates(
                List.of(
                    TestPki.ec().ca().certificate(),
                    TestPki.of(KeyType.RSA_2048).ca().certificate()))
            .pin(expected.sha256().toString())
            .build();
    try (MemoryPair pair = MemoryPair.builder(client, server).build()) {
      pair.handshake();

      assertThat(pair.client.session().peerFingerprint()).isEqualTo(expected.sha256());
    }
  }

  @Test
  default void theServerCertificateIsChosenByAlias(@TempDir Path dir) {
    handshakePresenting(
        TestPki.of(KeyType.RSA_2048).server(), KeySelector.alias("localhost-rsa"), dir);
  }

  @Test
  default void theServerCertificateIsChosenBySha1FingerprintWithSpaces(@TempDir Path dir) {
    GeneratedCertificate expected = TestPki.ec().server();
    String sha1 = TrustContract.spaced(expected.sha1());
    assertThat(sha1).hasSize(59).contains(" ");

    handshakePresenting(expected, KeySelector.fingerprint(sha1), dir);
  }

  @Test
  default void theServerCertificateIsChosenBySha256FingerprintWithSpaces(@TempDir Path dir) {
    GeneratedCertificate expected = TestPki.of(KeyType.RSA_2048).server();
    String sha256 = TrustContract.spaced(expected.sha256()).toUpperCase(Locale.ROOT);
    assertThat(sha256).hasSize(95).contains(" ");

    handshakePresenting(expected, KeySelector.fingerprint(sha256), dir);
  }
}
