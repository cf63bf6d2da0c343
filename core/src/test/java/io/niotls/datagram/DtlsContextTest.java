package io.niotls.datagram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.ProviderEngines;
import io.niotls.context.TlsConfigException;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DtlsContextTest {

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"OPENSSL", "BORINGSSL"})
  void askingTheBoringSslProvidersForDtlsIsRefusedWithTheReasonAndTheWayOut(Provider provider) {
    assertThatThrownBy(() -> Contexts.client(provider, KeyType.EC_P256).datagrams().build())
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("netty-tcnative does not expose BoringSSL's DTLS")
        .hasMessageContaining("use the JDK provider");
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"AUTO", "JDK"})
  void aDatagramContextSpeaksDtlsOneTwoOnTheJdkWithTlsOneTwoSuitesOnly(Provider provider) {
    TlsContext context = Contexts.server(provider, KeyType.EC_P256).datagrams().build();

    assertThat(context.isDatagram()).isTrue();
    assertThat(context.provider()).isEqualTo(Provider.JDK);
    assertThat(context.protocols()).containsExactly("DTLSv1.2");
    assertThat(context.cipherSuites()).isNotEmpty().noneMatch(s -> s.startsWith("TLS_AES_"));
    assertThat(ProviderEngines.newEngine(context, null, -1).getEnabledProtocols())
        .containsExactly("DTLSv1.2");
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK"})
  void aStreamContextIsRefusedByTheDatagramEngine(Provider provider) {
    TlsContext stream = Contexts.client(provider, KeyType.EC_P256).build();

    assertThat(stream.isDatagram()).isFalse();
    assertThatThrownBy(() -> DtlsEngine.client(stream, null, "localhost", 1))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("needs a DTLS context")
        .hasMessageContaining(".datagrams()");
  }
}
