package io.niotls.bench.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.context.Provider;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DuplexTest {
  static Stream<Arguments> subjectsProvidersProtocols() {
    Stream.Builder<Arguments> all = Stream.builder();
    for (Subject subject : Subject.values()) {
      for (Provider provider : new Provider[] {Provider.JDK, Provider.OPENSSL}) {
        for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) {
          all.add(Arguments.of(subject, provider, protocol));
        }
      }
    }
    return all.build();
  }

  @ParameterizedTest
  @MethodSource("subjectsProvidersProtocols")
  void withResumptionOnEveryHandshakeAfterTheFirstResumes(
      Subject subject, Provider provider, String protocol) {
    try (Fixture fixture = Fixture.of(Spec.full(provider, protocol).withResumption(true))) {
      boolean[] resumed = new boolean[4];
      for (int i = 0; i < resumed.length; i++) {
        try (Duplex pair = fixture.open(subject)) {
          resumed[i] = fixture.connect(pair);
        }
      }
      assertThat(resumed).containsExactly(false, true, true, true);
    }
  }
}
