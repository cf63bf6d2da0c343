package io.niotls.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.niotls.context.Fingerprint;
import io.niotls.context.TlsConfigException;
import java.nio.charset.StandardCharsets;

/**
 * {@link Fingerprint#parse} on any text: a fingerprint that parses back from its own {@code
 * toString()}, or a {@link TlsConfigException} with a message, nothing else.
 */
class FingerprintFuzzTest {

  @FuzzTest
  void parseReadsAFingerprintOrRefusesWithAMessage(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    Fingerprint parsed;
    try {
      parsed = Fingerprint.parse(text);
    } catch (TlsConfigException e) {
      Invariants.onlyDocumented(e);
      return;
    }
    assertThat(Fingerprint.parse(parsed.toString())).isEqualTo(parsed);
  }
}
