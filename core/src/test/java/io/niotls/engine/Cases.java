package io.niotls.engine;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.testing.Chunks;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Parameters shared by the contract tests. Seeds are fixed, so every run splits records at the same
 * places; each {@link Chunks} names its seed in the test's display name.
 */
final class Cases {
  static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private Cases() {}

  /** From one byte at a time to whole records, with random sizes in between. */
  static List<Chunks> chunkings() {
    return List.of(
        Chunks.oneByte(),
        Chunks.upTo(7, 0x5eed_0007L),
        Chunks.upTo(300, 0x5eed_0300L),
        Chunks.upTo(Chunks.WHOLE_RECORDS, 0x5eed_ffffL));
  }

  /** Every protocol with every key type at every chunking. */
  static Stream<Arguments> protocolKeyChunks() {
    List<Arguments> cases = new ArrayList<>();
    for (String protocol : PROTOCOLS) {
      for (KeyType keyType : KeyType.values()) {
        for (Chunks chunks : chunkings()) {
          cases.add(Arguments.of(protocol, keyType, chunks));
        }
      }
    }
    return cases.stream();
  }

  /** Every protocol at the two extremes: one byte at a time and whole records. */
  static Stream<Arguments> protocolExtremes() {
    List<Arguments> cases = new ArrayList<>();
    for (String protocol : PROTOCOLS) {
      cases.add(Arguments.of(protocol, Chunks.oneByte()));
      cases.add(Arguments.of(protocol, Chunks.wholeRecords()));
    }
    return cases.stream();
  }
}
