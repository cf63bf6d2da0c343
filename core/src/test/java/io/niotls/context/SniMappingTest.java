package io.niotls.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.niotls.certs.CertificateGenerator;
import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.engine.TlsEngine;
import io.niotls.testing.Contexts;
import io.niotls.testing.TestPki;
import io.niotls.transport.MemoryTransport;
import io.niotls.wire.ClientHelloParser;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class SniMappingTest {
  private static final TlsContext FALLBACK = site(KeyType.EC_P256, "localhost");
  private static final TlsContext APEX = site(KeyType.EC_P256, "example.com");
  private static final TlsContext WILDCARD = site(KeyType.EC_P256, "*.example.com");
  private static final TlsContext APEX_RSA = site(KeyType.RSA_2048, "example.com");

  private final SniMapping mapping =
      SniMapping.withDefault(FALLBACK)
          .add("example.com", APEX)
          .add("*.example.com", WILDCARD)
          .build();

  @Test
  void anExactNameBeatsAWildcard() {
    assertThat(mapping.select("example.com")).isSameAs(APEX);
    assertThat(mapping.select("www.example.com")).isSameAs(WILDCARD);
  }

  @Test
  void aWildcardCoversExactlyOneLabel() {
    assertThat(mapping.select("a.b.example.com")).isSameAs(FALLBACK);
    assertThat(mapping.select("notexample.com")).isSameAs(FALLBACK);
    assertThat(mapping.knows("a.b.example.com")).isFalse();
  }

  @Test
  void namesMatchWhateverTheirCase() {
    assertThat(mapping.select("WWW.Example.Com")).isSameAs(WILDCARD);
  }

  @Test
  void noNameAndUnknownNamesGetTheDefault() {
    assertThat(mapping.select(null)).isSameAs(FALLBACK);
    assertThat(mapping.select("elsewhere.org")).isSameAs(FALLBACK);
    assertThat(mapping.knows(null)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"*", "*.", "a.*.com", "*.*.com", "foo bar", "", "bad..name", "é.fr"})
  void patternsThatAreNotNamesAreRefused(String pattern) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> SniMapping.withDefault(FALLBACK).add(pattern, APEX))
        .withMessageContaining("not a host name or *.domain wildcard: '" + pattern + "'");
  }

  @Test
  void aNameMappedTwiceToKeysOfOneTypeIsRefused() {
    SniMapping.Builder b = SniMapping.withDefault(FALLBACK).add("a.com", APEX);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> b.add("A.com", APEX))
        .withMessage("'A.com' is mapped twice: map a name once per key type");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> b.add("a.com", WILDCARD))
        .withMessage("'a.com' is mapped twice to EC P-256 keys: map a name once per key type");
  }

  @Test
  void aNameMayHaveOneContextPerKeyType() {
    SniMapping both =
        SniMapping.withDefault(FALLBACK)
            .add("example.com", APEX)
            .add("example.com", APEX_RSA)
            .build();
    assertThat(both.names().get("example.com")).containsExactly(APEX, APEX_RSA);
    assertThat(both.select("example.com")).as("the first added").isSameAs(APEX);
    assertThat(both.contexts()).containsExactly(FALLBACK, APEX, APEX_RSA);
  }

  @Test
  void clientContextsAreRefused() {
    TlsContext client = Contexts.client(Provider.JDK, KeyType.EC_P256).build();
    assertThatIllegalArgumentException().isThrownBy(() -> SniMapping.withDefault(client));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> SniMapping.withDefault(FALLBACK).add("a.com", client));
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "BORINGSSL"})
  void aClientHelloChoosesByNameThenByTheKeyTypesTheClientVerifies(Provider provider) {
    SniMapping both =
        SniMapping.withDefault(FALLBACK)
            .add("example.com", APEX)
            .add("example.com", APEX_RSA)
            .build();
    // TLS 1.3 clients of both providers verify ECDSA P-256 and RSA-PSS: the first added wins
    assertThat(both.choose(hello(provider, "TLSv1.3", null, "example.com"))).isSameAs(APEX);
    // a TLS 1.2 client offering only ECDHE_RSA suites can verify only the RSA certificate
    assertThat(
            both.choose(
                hello(provider, "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "example.com")))
        .isSameAs(APEX_RSA);
    assertThat(
            both.choose(
                hello(
                    provider, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "example.com")))
        .isSameAs(APEX);
  }

  @Test
  void aStrictMappingRefusesUnknownNamesButNotClientsWithoutOne() {
    SniMapping strict =
        SniMapping.withDefault(FALLBACK).add("example.com", APEX).sniStrict(true).build();
    assertThat(strict.sniStrict()).isTrue();
    assertThat(strict.choose(hello(Provider.JDK, "TLSv1.3", null, "example.com"))).isSameAs(APEX);
    assertThat(strict.choose(hello(Provider.JDK, "TLSv1.3", null, "elsewhere.org"))).isNull();
    assertThat(strict.choose(hello(Provider.JDK, "TLSv1.3", null, "127.0.0.1")))
        .as("no SNI for an IP address")
        .isSameAs(FALLBACK);
    assertThat(mapping.choose(hello(Provider.JDK, "TLSv1.3", null, "elsewhere.org")))
        .as("not strict")
        .isSameAs(FALLBACK);
  }

  @Test
  void bytesThatAreNotAClientHelloGoToTheDefault() {
    ClientHelloParser parser = new ClientHelloParser();
    parser.feed(ByteBuffer.wrap("GET / HTTP/1.1\r\n".getBytes()));
    SniMapping strict = SniMapping.withDefault(FALLBACK).sniStrict(true).build();
    assertThat(strict.choose(parser)).isSameAs(FALLBACK);
  }

  @Test
  void aThousandNamesAreEachFoundByTheirOwnContext() {
    SniMapping.Builder b = SniMapping.withDefault(FALLBACK);
    TlsContext[] contexts = new TlsContext[] {APEX, WILDCARD};
    for (int i = 0; i < 1000; i++) {
      b.add("host" + i + ".example.org", contexts[i % 2]);
      b.add("*.zone" + i + ".example.org", contexts[(i + 1) % 2]);
    }
    SniMapping big = b.build();
    for (int i = 0; i < 1000; i++) {
      assertThat(big.select("host" + i + ".example.org")).isSameAs(contexts[i % 2]);
      assertThat(big.select("www.zone" + i + ".example.org")).isSameAs(contexts[(i + 1) % 2]);
    }
    assertThat(big.select("host1000.example.org")).isSameAs(FALLBACK);
    assertThat(big.names()).hasSize(2000);
  }

  private static TlsContext site(KeyType type, String name) {
    return TlsContext.forServer(
            CertificateGenerator.leaf(name)
                .keyType(type)
                .subjectAltNames(name)
                .issuer(TestPki.of(type).ca())
                .generate()
                .keyMaterial())
        .build();
  }

  /** A real client's ClientHello, read whole. */
  private static ClientHelloParser hello(
      Provider provider, String protocol, String suite, String host) {
    TlsContextBuilder b =
        Contexts.client(provider, KeyType.EC_P256).protocols(protocol).sessionResumption(false);
    if (suite != null) {
      b.cipherSuites(suite);
    }
    MemoryTransport transport = new MemoryTransport();
    ClientHelloParser parser = new ClientHelloParser();
    try (TlsEngine engine = TlsEngine.client(b.build(), transport, host, 443)) {
      engine.handshake();
      parser.feed(ByteBuffer.wrap(transport.drainAll()));
    }
    assertThat(parser.state()).isEqualTo(ClientHelloParser.State.DONE);
    return parser;
  }
}
