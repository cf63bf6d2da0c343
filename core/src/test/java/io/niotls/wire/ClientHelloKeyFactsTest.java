package io.niotls.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.context.Provider;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What {@link ClientHelloParser} reads for choosing among certificates of several key types: the
 * cipher suites, signature_algorithms and supported_versions, from real hellos of both providers
 * and hand-built ones.
 */
class ClientHelloKeyFactsTest {

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "BORINGSSL"})
  void aTls13HelloOffersTls13AndEcdsaAndRsaPssSchemes(Provider provider) {
    ClientHelloParser hello = parse(ClientHellos.real(provider, "TLSv1.3", "a.test"));
    assertThat(hello.supportedVersions()).contains(0x0304);
    assertThat(hello.signatureSchemes()).contains(0x0403, 0x0804);
    assertThat(hello.cipherSuites()).contains(0x1301);
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "BORINGSSL"})
  void aTls12OnlyHelloOffersNoTls13(Provider provider) {
    ClientHelloParser hello = parse(ClientHellos.real(provider, "TLSv1.2", "a.test"));
    int[] versions = hello.supportedVersions();
    if (versions != null) { // a TLS 1.2-only client may still send the extension, without 1.3
      assertThat(versions).doesNotContain(0x0304);
    }
    assertThat(hello.cipherSuites()).contains(0xC02B).doesNotContain(0x1301);
  }

  @Test
  void aHelloWithoutTheExtensionsHasNeitherList() {
    ClientHelloParser hello = parse(ClientHellos.build(ClientHellos.sni("a.test")));
    assertThat(hello.state()).isEqualTo(ClientHelloParser.State.DONE);
    assertThat(hello.signatureSchemes()).isNull();
    assertThat(hello.supportedVersions()).isNull();
    assertThat(hello.cipherSuites()).containsExactly(0xC02B);
  }

  @Test
  void listsThatDoNotFillTheirExtensionCountAsNoneAndRefuseNothing() {
    byte[] badSchemes = ClientHellos.extension(13, new byte[] {0, 4, 4, 3}); // 4 announced, 2 given
    byte[] oddVersions = ClientHellos.extension(43, new byte[] {3, 3, 4, 3});
    ClientHelloParser hello =
        parse(ClientHellos.build(ClientHellos.sni("a.test"), badSchemes, oddVersions));
    assertThat(hello.state()).isEqualTo(ClientHelloParser.State.DONE);
    assertThat(hello.serverName()).isEqualTo("a.test");
    assertThat(hello.signatureSchemes()).isNull();
    assertThat(hello.supportedVersions()).isNull();
  }

  @Test
  void theListsAreCopies() {
    ClientHelloParser hello = parse(ClientHellos.real(Provider.JDK, "TLSv1.3", "a.test"));
    hello.signatureSchemes()[0] = -1;
    assertThat(hello.signatureSchemes()[0]).isNotEqualTo(-1);
  }

  private static ClientHelloParser parse(byte[] bytes) {
    ClientHelloParser parser = new ClientHelloParser();
    parser.feed(ByteBuffer.wrap(bytes));
    return parser;
  }
}
