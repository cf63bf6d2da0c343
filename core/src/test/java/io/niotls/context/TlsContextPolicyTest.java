package io.niotls.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.testing.TestPki;
import org.junit.jupiter.api.Test;

/** The settings behind requireAlpn and strict SNI: what they take, what they refuse and why. */
class TlsContextPolicyTest {
  private static final KeyMaterial SERVER = TestPki.ec().server().keyMaterial();

  @Test
  void requireAlpnNeedsTheProtocols() {
    assertThatThrownBy(() -> TlsContext.forServer(SERVER).requireAlpn(true).build())
        .isInstanceOf(TlsConfigException.class)
        .hasMessage("requireAlpn(true) needs the protocols: alpn(\"h2\", ...)");
  }

  @Test
  void requireAlpnIsAServerSetting() {
    assertThatThrownBy(() -> TlsContext.forClient().alpn("h2").requireAlpn(true).build())
        .isInstanceOf(TlsConfigException.class)
        .hasMessageStartingWith("requireAlpn is a server setting");
  }

  @Test
  void requireAlpnIsShownAndOffByDefault() {
    TlsContext lenient = TlsContext.forServer(SERVER).alpn("h2").build();
    TlsContext strict = TlsContext.forServer(SERVER).alpn("h2").requireAlpn(true).build();

    assertThat(lenient.requireAlpn()).isFalse();
    assertThat(strict.requireAlpn()).isTrue();
    assertThat(strict.toString()).contains("alpn=[h2] (required)");
  }
}
