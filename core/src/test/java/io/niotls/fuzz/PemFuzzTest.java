package io.niotls.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.niotls.context.KeyMaterial;
import io.niotls.context.Pem;
import io.niotls.context.TlsConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * PEM files with any content: {@link Pem#readCertificates} returns at least one certificate or
 * refuses with a {@link TlsConfigException}; {@link KeyMaterial#fromPem} returns a key that belongs
 * to its certificate or refuses the same way. Nothing else escapes.
 */
class PemFuzzTest {
  @TempDir static Path dir;

  @FuzzTest
  void readCertificatesReturnsCertificatesOrRefusesWithAMessage(byte[] content) throws IOException {
    certificates(dir, content);
  }

  @FuzzTest
  void fromPemReturnsMatchingKeyMaterialOrRefusesWithAMessage(FuzzedDataProvider data)
      throws IOException {
    String password = data.consumeBoolean() ? data.consumeString(16) : null;
    byte[] certificate = data.consumeBytes(data.consumeInt(0, 8192));
    byte[] key = data.consumeRemainingAsBytes();
    keyMaterial(dir, certificate, key, password == null ? null : password.toCharArray());
  }

  /** The property of {@link Pem#readCertificates} for one file content. */
  static void certificates(Path dir, byte[] content) throws IOException {
    Path file = Files.write(dir.resolve("chain.pem"), content);
    List<X509Certificate> chain;
    try {
      chain = Pem.readCertificates(file);
    } catch (TlsConfigException e) {
      Invariants.onlyDocumented(e);
      return;
    }
    assertThat(chain).isNotEmpty().doesNotContainNull();
  }

  /** The property of {@link KeyMaterial#fromPem} for one pair of file contents. */
  static void keyMaterial(Path dir, byte[] certificate, byte[] key, char[] password)
      throws IOException {
    Path certificateFile = Files.write(dir.resolve("cert.pem"), certificate);
    Path keyFile = Files.write(dir.resolve("key.pem"), key);
    KeyMaterial material;
    try {
      material = KeyMaterial.fromPem(certificateFile, keyFile, password);
    } catch (TlsConfigException e) {
      Invariants.onlyDocumented(e);
      return;
    }
    assertThat(material.chain()).isNotEmpty();
    assertThat(material.privateKey()).isNotNull();
  }
}
