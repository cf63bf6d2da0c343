package io.niotls.bench.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every subject does the TLS its benchmark claims: full handshakes when resumption is off, resumed
 * ones when it is on, the cipher asked for, and records that arrive whole.
 */
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
  void withResumptionOffEveryHandshakeIsAFullOne(
      Subject subject, Provider provider, String protocol) {
    try (Fixture fixture = Fixture.of(Spec.full(provider, protocol))) {
      for (int i = 0; i < 3; i++) {
        try (Duplex pair = fixture.open(subject)) {
          assertThat(fixture.connect(pair)).as("handshake %d resumed", i).isFalse();
          assertThat(pair.facts().protocol()).isEqualTo(protocol);
        }
      }
    }
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

  @ParameterizedTest
  @MethodSource("subjectsProvidersProtocols")
  void recordsArriveWholeBothWays(Subject subject, Provider provider, String protocol) {
    try (Fixture fixture = Fixture.of(Spec.full(provider, protocol));
        Duplex pair = fixture.open(subject)) {
      pair.handshake();
      for (int size : new int[] {1, 1024, 16384, 40_000}) {
        Payload payload = new Payload(size, fixture.direct());
        assertThat(pair.transfer(payload)).isEqualTo(size);
        assertThat(pair.reply(payload)).isEqualTo(size);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("subjectsProvidersProtocols")
  void theServerSideStaysUsableAfterItsClientIsFreed(
      Subject subject, Provider provider, String protocol) throws Exception {
    try (Fixture fixture = Fixture.of(Spec.full(provider, protocol))) {
      Duplex pair = fixture.open(subject);
      pair.handshake();
      AutoCloseable server = pair.keepServerOnly();
      assertThat(server).isNotNull();
      server.close();
    }
  }

  @Test
  void chaCha20IsNegotiatedWhenAskedFor() {
    Spec spec = Spec.full(Provider.JDK, "TLSv1.3").withCipher(Cipher.CHACHA20);
    try (Fixture fixture = Fixture.of(spec)) {
      for (Subject subject : Subject.values()) {
        assertThat(Checks.handshake(fixture, subject).cipherSuite())
            .isEqualTo("TLS_CHACHA20_POLY1305_SHA256");
      }
    }
  }

  @Test
  void aCipherTheProviderDoesNotNegotiateIsRefusedNotMeasured() {
    Spec spec = Spec.full(Provider.OPENSSL, "TLSv1.3").withCipher(Cipher.CHACHA20);
    try (Fixture fixture = Fixture.of(spec)) {
      assertThatThrownBy(() -> Checks.handshake(fixture, Subject.TLS_ENGINE))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("BoringSSL does not let TLS 1.3 suites be chosen");
    }
  }

  @Test
  void anRsaCertificateIsUsedWhenAskedFor() {
    Spec spec = Spec.full(Provider.OPENSSL, "TLSv1.2").withKey(KeyType.RSA_2048);
    try (Fixture fixture = Fixture.of(spec)) {
      for (Subject subject : Subject.values()) {
        assertThat(Checks.handshake(fixture, subject).cipherSuite()).contains("_RSA_");
      }
    }
  }
}
