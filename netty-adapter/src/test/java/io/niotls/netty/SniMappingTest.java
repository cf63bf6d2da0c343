package io.niotls.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.netty.SniTlsHandlerTest.Sites;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SniMappingTest {
  private final Sites sites = Sites.of(Provider.JDK);
  private final SniMapping mapping = sites.mapping();

  @Test
  void anExactNameBeatsAWildcard() {
    assertThat(mapping.select("example.com")).isSameAs(sites.apex());
    assertThat(mapping.select("www.example.com")).isSameAs(sites.wildcard());
  }

  @Test
  void aWildcardCoversExactlyOneLabel() {
    assertThat(mapping.select("a.b.example.com")).isSameAs(sites.fallback());
    assertThat(mapping.select("notexample.com")).isSameAs(sites.fallback());
  }

  @Test
  void namesMatchWhateverTheirCase() {
    assertThat(mapping.select("WWW.Example.Com")).isSameAs(sites.wildcard());
  }

  @Test
  void noNameAndUnknownNamesGetTheDefault() {
    assertThat(mapping.select(null)).isSameAs(sites.fallback());
    assertThat(mapping.select("elsewhere.org")).isSameAs(sites.fallback());
  }

  @ParameterizedTest
  @ValueSource(strings = {"*", "*.", "a.*.com", "*.*.com", "foo bar", "", "bad..name", "é.fr"})
  void patternsThatAreNotNamesAreRefused(String pattern) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> SniMapping.withDefault(sites.fallback()).add(pattern, sites.apex()));
  }

  @Test
  void aNameMappedTwiceIsRefused() {
    SniMapping.Builder b = SniMapping.withDefault(sites.fallback()).add("a.com", sites.apex());
    assertThatIllegalArgumentException().isThrownBy(() -> b.add("A.com", sites.apex()));
  }

  @Test
  void clientContextsAreRefused() {
    TlsContext client = Fixtures.client(Provider.JDK, "TLSv1.3");
    assertThatIllegalArgumentException().isThrownBy(() -> SniMapping.withDefault(client));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> SniMapping.withDefault(sites.fallback()).add("a.com", client));
  }
}
