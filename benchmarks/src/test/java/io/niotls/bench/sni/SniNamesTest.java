package io.niotls.bench.sni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.bench.support.PeekedEnginePair;
import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The servers the SNI benchmarks compare choose what they should: both the same way for each kind
 * of lookup, through {@link PeekedEnginePair}, with a real handshake each.
 */
class SniNamesTest {
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "BORINGSSL, exact",
    "BORINGSSL, wildcard",
    "BORINGSSL, unknown",
    "JDK, exact",
    "OPENSSL, wildcard"
  })
  void bothServersChooseTheContextTheirMappingGivesTheNameAskedForAndFinishTheHandshake(
      Provider provider, String lookup) {
    SniNames names = new SniNames(provider, "TLSv1.3", KeyType.EC_P256, lookup, 1000);
    try {
      PeekedEnginePair pair = new PeekedEnginePair(names.client, names.one.defaultContext());

      pair.handshake(names.one, names.asked);
      assertThat(pair.chosen()).isSameAs(names.oneChoice);
      assertThat(pair.serverName()).isEqualTo(names.asked);
      assertThat(pair.serverNanos()).isPositive();

      pair.handshake(names.many, names.asked);
      assertThat(pair.chosen()).isSameAs(names.manyChoice);
      assertThat(pair.serverName()).isEqualTo(names.asked);

      assertThat(names.many.names()).hasSize(1000);
      boolean byDefault = lookup.equals("unknown");
      assertThat(names.one.knows(names.asked)).isEqualTo(!byDefault);
      assertThat(names.many.knows(names.asked)).isEqualTo(!byDefault);
      assertThat(names.manyChoice == names.many.defaultContext()).isEqualTo(byDefault);
    } finally {
      names.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"prefix", "EXACT"})
  void anUnknownKindOfLookupIsRefusedNamingTheKindsThereAre(String lookup) {
    assertThatThrownBy(() -> new SniNames(Provider.JDK, "TLSv1.3", KeyType.EC_P256, lookup, 1000))
        .hasMessageContaining("exact, wildcard or unknown");
  }
}
