package io.niotls.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.certs.CertificateGenerator;
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

  @Test
  void sniStrictWithoutNamesTakesTheCertificatesDnsNames() {
    TlsContext context = TlsContext.forServer(SERVER).sniStrict().build();

    assertThat(context.sniNames()).containsExactly("localhost");
    assertThat(context.toString()).contains("sniStrict=[localhost]");
  }

  @Test
  void sniStrictNamesAreLowerCasedAndWildcardsTakeOneLabel() {
    TlsContext context =
        TlsContext.forServer(SERVER).sniStrict("Mail.Example.COM", "*.test").build();

    assertThat(context.sniNames()).containsExactly("mail.example.com", "*.test");
  }

  @Test
  void sniStrictRefusesWhatIsNotAHostName() {
    for (String bad : new String[] {"", "a.*.test", "*test", "host."}) {
      assertThatThrownBy(() -> TlsContext.forServer(SERVER).sniStrict(bad))
          .isInstanceOf(TlsConfigException.class)
          .hasMessage("sniStrict: '" + bad + "' is not a host name or a *.domain wildcard");
    }
  }

  @Test
  void sniStrictIsAServerSetting() {
    assertThatThrownBy(() -> TlsContext.forClient().sniStrict("localhost").build())
        .isInstanceOf(TlsConfigException.class)
        .hasMessageStartingWith("sniStrict is a server setting");
    assertThatThrownBy(() -> TlsContext.forClient().sniStrict())
        .isInstanceOf(TlsConfigException.class)
        .hasMessageStartingWith("sniStrict() is a server setting");
  }

  @Test
  void sniStrictWithoutNamesNeedsACertificateThatNamesAHost() {
    KeyMaterial ipOnly =
        CertificateGenerator.leaf("address only")
            .subjectAltNames("127.0.0.1")
            .generate()
            .keyMaterial();

    assertThatThrownBy(() -> TlsContext.forServer(ipOnly).sniStrict())
        .isInstanceOf(TlsConfigException.class)
        .hasMessageEndingWith("names no DNS host: give the names it serves");
  }
}
