package io.niotls.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.testing.TestPki;
import io.niotls.wire.TlsRecords;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TlsContextTest {

  @Test
  void aBufferPoolTooSmallForOneEngineIsRefusedWhenSet() {
    assertThatThrownBy(() -> TlsContext.forClient().maxPooledBuffers(1))
        .isInstanceOf(TlsConfigException.class)
        .hasMessage("maxPooledBuffers must be at least 2 (an engine may hold two at once), got 1");
  }

  @Test
  void defaultsAreModernTlsWithVerification() {
    TlsContext context = TlsContext.forClient().provider(Provider.JDK).build();
    assertThat(context.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
    assertThat(context.hostnameVerification()).isTrue();
    assertThat(context.sessionResumption()).isTrue();
    assertThat(context.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(context.cipherSuites()).noneMatch(suite -> suite.contains("CBC"));
    assertThat(context.cipherSuites())
        .allMatch(
            s -> s.startsWith("TLS_AES") || s.contains("ECDHE") || s.startsWith("TLS_CHACHA20"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.1", "TLSv1", "SSLv3", "SSLv2Hello"})
  void insecureProtocolsAreRefusedAtBuildTime(String protocol) {
    assertThatThrownBy(() -> TlsContext.forClient().protocols(protocol))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining(protocol)
        .hasMessageContaining("insecure and unsupported");
  }

  @Test
  void unknownProtocolNamesWhatIsSpoken() {
    assertThatThrownBy(() -> TlsContext.forClient().protocols("QUICv1"))
        .hasMessageContaining("unknown protocol 'QUICv1'")
        .hasMessageContaining("TLSv1.3 and TLSv1.2");
  }

  @Test
  void autoChoosesBoringSslDrivenDirectlyWhenTheNativeLibraryLoads() {
    TlsContext context = TlsContext.forClient().build();
    assertThat(context.provider()).isEqualTo(Provider.BORINGSSL);
    assertThat(context.providerNote()).contains("auto");
    assertThat(context.bufferPool().isDirect()).isTrue();
  }

  @Test
  void jdkProviderUsesHeapBuffers() {
    TlsContext context = TlsContext.forClient().provider(Provider.JDK).build();
    assertThat(context.provider()).isEqualTo(Provider.JDK);
    assertThat(context.bufferPool().isDirect()).isFalse();
    assertThat(context.bufferPool().bufferSize())
        .as("room for the longest record")
        .isGreaterThanOrEqualTo(TlsRecords.MAX_RECORD);
  }

  @Test
  void clientAuthIsAServerSetting() {
    assertThatThrownBy(() -> TlsContext.forClient().clientAuth(ClientAuth.REQUIRE))
        .hasMessageContaining("server setting");
  }

  @Test
  void clientAuthWithTrustAllIsRefused() {
    assertThatThrownBy(
            () ->
                TlsContext.forServer(TestPki.ec().server().keyMaterial())
                    .clientAuth(ClientAuth.REQUIRE)
                    .insecureTrustAll()
                    .build())
        .hasMessageContaining("would accept any client");
  }

  @Test
  void pinsReplacingValidationNeedAPin() {
    assertThatThrownBy(() -> TlsContext.forClient().pinsReplaceChainValidation().build())
        .hasMessageContaining("needs at least one pin");
  }

  @Test
  void malformedPinSaysWhatAFingerprintLooksLike() {
    assertThatThrownBy(() -> TlsContext.forClient().pin("9d a4 84"))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("40")
        .hasMessageContaining("64");
  }

  @Test
  void trustAllDisablesHostnameVerification() {
    TlsContext context = TlsContext.forClient().provider(Provider.JDK).insecureTrustAll().build();
    assertThat(context.hostnameVerification()).isFalse();
  }

  @Test
  void sniIsTheHostUnlessAnIpLiteralOrOverridden() {
    TlsContext plain = TlsContext.forClient().provider(Provider.JDK).build();
    assertThat(plain.serverNameFor("example.org")).isEqualTo("example.org");
    assertThat(plain.serverNameFor("127.0.0.1")).isNull();
    assertThat(plain.serverNameFor("::1")).isNull();
    assertThat(plain.serverNameFor("10.20.30.4")).isNull();
    assertThat(plain.serverNameFor("node7")).isEqualTo("node7"); // ends in a digit, still a name
    assertThat(plain.serverNameFor("1.2.3.4.example")).isEqualTo("1.2.3.4.example");
    TlsContext overridden =
        TlsContext.forClient().provider(Provider.JDK).serverName("api.example.org").build();
    assertThat(overridden.serverNameFor("127.0.0.1")).isEqualTo("api.example.org");
  }

  @Test
  void nonPositiveHandshakeTimeoutIsRefused() {
    assertThatThrownBy(() -> TlsContext.forClient().handshakeTimeout(Duration.ZERO))
        .hasMessageContaining("must be positive");
  }

  @Test
  void unsupportedCipherSuiteNamesTheSuite() {
    assertThatThrownBy(
            () ->
                TlsContext.forClient()
                    .provider(Provider.JDK)
                    .cipherSuites("TLS_NOT_A_REAL_SUITE")
                    .build())
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("TLS_NOT_A_REAL_SUITE")
        .hasMessageContaining("check the cipher suite");
  }
}
