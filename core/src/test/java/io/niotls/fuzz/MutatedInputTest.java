package io.niotls.fuzz;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.KeySelector;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.engine.TlsEngine;
import io.niotls.testing.Contexts;
import io.niotls.testing.TestPki;
import io.niotls.transport.MemoryTransport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fuzz properties, run on a bounded number of random edits of real inputs made at test time
 * (real ClientHellos, real PEM and PKCS#12 files: no key material is committed as a seed). Fixed
 * seeds, so a failure reproduces; quick, so it runs in every build next to the Jazzer seeds.
 */
class MutatedInputTest {
  private static final int EDITS = 60;
  private static final int HELLO_EDITS = 250;

  @TempDir Path dir;

  @ParameterizedTest(name = "{0} client, {1}, {2} server")
  @CsvSource({
    "JDK,TLSv1.3,JDK",
    "JDK,TLSv1.2,OPENSSL",
    "OPENSSL,TLSv1.3,OPENSSL",
    "OPENSSL,TLSv1.2,JDK",
    "JDK,TLSv1.3,BORINGSSL",
    "OPENSSL,TLSv1.2,BORINGSSL",
  })
  void editedClientHellosLeaveAServerWantingMoreOrFailed(
      Provider clientProvider, String protocol, Provider serverProvider) {
    byte[] hello = clientHello(clientProvider, protocol);
    TlsContext server = EngineFuzzTest.server(serverProvider);
    Random random = new Random(protocol.hashCode() * 31L + serverProvider.ordinal());
    for (int i = 0; i < HELLO_EDITS; i++) {
      byte[] edited = Mutations.mutate(hello, random);
      EngineFuzzTest.feed(server, edited, 1 + random.nextInt(256), random.nextBoolean());
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = KeyType.class,
      names = {"EC_P256", "RSA_2048"})
  void editedPemFilesAreReadOrRefusedWithAMessage(KeyType type) throws IOException {
    TestPki pki = TestPki.of(type);
    Path chain = dir.resolve("real-chain.pem");
    Path key = dir.resolve("real-key.pem");
    Path encrypted = dir.resolve("real-encrypted-key.pem");
    pki.server().writeCertificatePem(chain);
    pki.server().writePrivateKeyPem(key);
    pki.server().writeEncryptedPrivateKeyPem(encrypted, "secret".toCharArray());
    byte[] chainBytes = Files.readAllBytes(chain);
    byte[] keyBytes = Files.readAllBytes(key);
    byte[] encryptedBytes = Files.readAllBytes(encrypted);
    Random random = new Random(type.ordinal());
    for (int i = 0; i < EDITS; i++) {
      PemFuzzTest.certificates(dir, Mutations.mutate(chainBytes, random));
      PemFuzzTest.keyMaterial(dir, chainBytes, Mutations.mutate(keyBytes, random), null);
      PemFuzzTest.keyMaterial(
          dir, chainBytes, Mutations.mutate(encryptedBytes, random), "secret".toCharArray());
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = KeyType.class,
      names = {"EC_P256", "RSA_2048"})
  void editedKeyStoresAreReadOrRefusedWithAMessage(KeyType type) throws IOException {
    Path store = dir.resolve("real.p12");
    TestPki.of(type).server().writePkcs12(store, "secret".toCharArray(), "a");
    byte[] bytes = Files.readAllBytes(store);
    Random random = new Random(type.ordinal());
    for (int i = 0; i < EDITS; i++) {
      KeyStoreFuzzTest.keyStore(
          dir, Mutations.mutate(bytes, random), "secret".toCharArray(), KeySelector.any());
    }
  }

  private static byte[] clientHello(Provider provider, String protocol) {
    TlsContext context = Contexts.client(provider, KeyType.EC_P256).protocols(protocol).build();
    MemoryTransport transport = new MemoryTransport();
    try (TlsEngine client = TlsEngine.client(context, transport, "localhost", 443)) {
      client.handshake();
      return transport.drainAll();
    }
  }
}
