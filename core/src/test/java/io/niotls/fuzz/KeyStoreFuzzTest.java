package io.niotls.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.niotls.context.KeyMaterial;
import io.niotls.context.KeySelector;
import io.niotls.context.TlsConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keystore files with any content: {@link KeyMaterial#fromKeyStore} returns one key entry or
 * refuses with a {@link TlsConfigException}. Nothing else escapes: no parser exception of the JDK's
 * PKCS#12 or JKS code, no runtime exception.
 */
class KeyStoreFuzzTest {
  @TempDir static Path dir;

  @FuzzTest
  void fromKeyStoreReturnsOneKeyOrRefusesWithAMessage(FuzzedDataProvider data) throws IOException {
    char[] password = data.consumeString(16).toCharArray();
    KeySelector selector = data.consumeBoolean() ? KeySelector.any() : KeySelector.alias("a");
    keyStore(dir, data.consumeRemainingAsBytes(), password, selector);
  }

  /** The property of {@link KeyMaterial#fromKeyStore} for one file content. */
  static void keyStore(Path dir, byte[] content, char[] password, KeySelector selector)
      throws IOException {
    Path file = Files.write(dir.resolve("store"), content);
    KeyMaterial material;
    try {
      material = KeyMaterial.fromKeyStore(file, password, selector);
    } catch (TlsConfigException e) {
      Invariants.onlyDocumented(e);
      return;
    }
    assertThat(material.chain()).isNotEmpty();
  }
}
