package io.niotls.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.context.Provider;
import io.niotls.netty.ClientHelloSni.Kind;
import io.niotls.netty.ClientHelloSni.Result;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClientHelloSniTest {

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providersAndProtocols")
  void findsTheNameInARealClientHello(Provider provider, String protocol) {
    byte[] hello = ClientHellos.real(provider, protocol, "www.example.com");
    assertThat(parse(hello)).isEqualTo(new Result(Kind.FOUND, "www.example.com", null));
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void everyPrefixOfAClientHelloNeedsMore(Provider provider) {
    byte[] hello = ClientHellos.real(provider, "TLSv1.3", "a.example.com");
    for (int n = 0; n < hello.length; n++) {
      assertThat(parse(Arrays.copyOf(hello, n)).kind())
          .as("%d of %d bytes", n, hello.length)
          .isEqualTo(Kind.NEED_MORE);
    }
    assertThat(parse(hello).serverName()).isEqualTo("a.example.com");
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void aClientHelloSpreadOverOneByteRecordsIsStillRead(Provider provider) {
    byte[] hello = ClientHellos.refragment(ClientHellos.real(provider, "TLSv1.3", "x.test"), 1);
    for (int n = 0; n < hello.length; n += 7) {
      assertThat(parse(Arrays.copyOf(hello, n)).kind()).isEqualTo(Kind.NEED_MORE);
    }
    assertThat(parse(hello).serverName()).isEqualTo("x.test");
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void aClientConnectingToAnAddressSendsNoName(Provider provider) {
    assertThat(parse(ClientHellos.real(provider, "TLSv1.3", "127.0.0.1"))).isEqualTo(Result.ABSENT);
  }

  @Test
  void aClientHelloWithoutExtensionsHasNoName() {
    assertThat(parse(ClientHellos.build())).isEqualTo(Result.ABSENT);
  }

  @Test
  void namesAreLowerCased() {
    assertThat(parse(ClientHellos.build(ClientHellos.sni("WWW.Example.COM"))).serverName())
        .isEqualTo("www.example.com");
  }

  @Test
  void otherNameTypesAreIgnored() {
    byte[] data = {0, 4, 7, 0, 1, 'x'};
    assertThat(parse(ClientHellos.build(ClientHellos.extension(0, data)))).isEqualTo(Result.ABSENT);
  }

  @Test
  void theNameIsFoundAmongOtherExtensions() {
    byte[] hello =
        ClientHellos.build(
            ClientHellos.extension(10, new byte[] {0, 2, 0, 29}),
            ClientHellos.extension(0xff01, new byte[] {0}),
            ClientHellos.sni("late.example"),
            ClientHellos.extension(16, new byte[0]));
    assertThat(parse(hello).serverName()).isEqualTo("late.example");
  }

  @Test
  void theBufferIsReadFromItsPositionAndNotMoved() {
    byte[] hello = ClientHellos.build(ClientHellos.sni("a.b"));
    byte[] padded = new byte[hello.length + 10];
    System.arraycopy(hello, 0, padded, 3, hello.length);
    ByteBuffer buffer = ByteBuffer.wrap(padded, 3, hello.length).asReadOnlyBuffer();
    assertThat(ClientHelloSni.parse(buffer).serverName()).isEqualTo("a.b");
    assertThat(buffer.position()).isEqualTo(3);
    assertThat(buffer.limit()).isEqualTo(3 + hello.length);
  }

  @ParameterizedTest
  @ValueSource(strings = {"G", "GET / HTTP/1.1\r\n", "SSH-2.0-OpenSSH", "\u0000"})
  void plaintextIsRefusedFromItsFirstByte(String text) {
    Result r = parse(text.getBytes(StandardCharsets.ISO_8859_1));
    assertThat(r.kind()).isEqualTo(Kind.INVALID);
    assertThat(r.problem()).contains("not a TLS handshake");
  }

  @Test
  void anSslv2HelloIsRefused() {
    assertThat(parse(new byte[] {(byte) 0x80, 0x2e, 1}).problem()).contains("SSLv2");
  }

  @Test
  void aRecordWithAnotherMajorVersionIsRefused() {
    assertThat(parse(new byte[] {22, 2}).problem()).contains("version major");
  }

  @Test
  void anEmptyHandshakeRecordIsRefused() {
    assertThat(parse(new byte[] {22, 3, 1, 0, 0}).problem()).contains("empty");
  }

  @Test
  void anOversizedRecordIsRefusedFromItsHeader() {
    assertThat(parse(new byte[] {22, 3, 1, 0x40, 1}).kind()).isEqualTo(Kind.INVALID);
  }

  @Test
  void aHandshakeMessageOtherThanClientHelloIsRefused() {
    assertThat(parse(new byte[] {22, 3, 1, 0, 4, 2, 0, 0, 0}).problem()).contains("type 2");
  }

  @Test
  void aClientHelloAnnouncingMoreThanTheLimitIsRefusedAtOnce() {
    byte[] header = {22, 3, 1, 0, 4, 1, 0, (byte) 0xff, (byte) 0xff};
    assertThat(parse(header).kind()).isEqualTo(Kind.INVALID);
  }

  @Test
  void aClientHelloNeverGrowsPastTheLimit() {
    // announces the largest size accepted, then keeps sending full records
    byte[] start = {1, 0, (byte) 0xff, (byte) 0xfc};
    byte[] body = new byte[16384];
    System.arraycopy(start, 0, body, 0, 4);
    byte[] stream = new byte[0];
    Result r = Result.NEED_MORE;
    for (int i = 0; i < 6 && r.kind() == Kind.NEED_MORE; i++) {
      stream = concat(stream, ClientHellos.record(i == 0 ? body : new byte[16384]));
      r = parse(stream);
    }
    assertThat(r.kind()).isEqualTo(Kind.INVALID);
    assertThat(stream.length).isLessThanOrEqualTo(5 * (16384 + 5));
  }

  @Test
  void aClientHelloInterruptedByAnotherRecordIsRefused() {
    byte[] hello = ClientHellos.refragment(ClientHellos.build(ClientHellos.sni("a.b")), 20);
    byte[] broken = concat(Arrays.copyOf(hello, 25), new byte[] {23, 3, 3, 0, 1, 0});
    assertThat(parse(broken).problem()).contains("interrupted");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a..b", "a.b.", ".a", "a b", "a\u0000b", "caf\u00e9.fr", "a/b"})
  void badHostNamesAreRefused(String name) {
    assertThat(parse(ClientHellos.build(ClientHellos.sni(name))).kind()).isEqualTo(Kind.INVALID);
  }

  @Test
  void aLabelLongerThan63IsRefused() {
    String label = "x".repeat(64);
    assertThat(parse(ClientHellos.build(ClientHellos.sni(label + ".com"))).problem())
        .contains("63");
    assertThat(parse(ClientHellos.build(ClientHellos.sni("x".repeat(63) + ".com"))).kind())
        .isEqualTo(Kind.FOUND);
  }

  @Test
  void twoHostNamesAreRefused() {
    assertThat(parse(ClientHellos.build(ClientHellos.sni("a.b", "c.d"))).problem())
        .contains("two host names");
  }

  @Test
  void twoServerNameExtensionsAreRefused() {
    byte[] sni = ClientHellos.sni("a.b");
    assertThat(parse(ClientHellos.build(sni, sni)).problem()).contains("two server_name");
  }

  @Test
  void anExtensionRunningPastTheHelloIsRefused() {
    byte[] hello = ClientHellos.build(ClientHellos.sni("a.b"));
    hello[hello.length - 10] = 0x7f; // the server_name extension's length
    assertThat(parse(hello).problem()).contains("overruns");
  }

  @Test
  void aServerNameListThatDoesNotFillItsExtensionIsRefused() {
    byte[] hello = ClientHellos.build(ClientHellos.sni("a.b"));
    hello[hello.length - 8] = 0x7f; // the list's length
    assertThat(parse(hello).problem()).contains("server_name list");
  }

  @Test
  void extensionsThatDoNotFillTheHelloAreRefused() {
    byte[] hello = ClientHellos.build(ClientHellos.sni("a.b"));
    int extensionsLength = 9 + 2 + 32 + 1 + 4 + 2; // headers, version, random, id, suites, methods
    hello[extensionsLength + 1]++;
    assertThat(parse(hello).problem()).contains("extensions");
  }

  @Test
  void aSessionIdLongerThan32IsRefused() {
    byte[] hello = ClientHellos.build();
    hello[9 + 2 + 32] = 33;
    assertThat(parse(hello).kind()).isEqualTo(Kind.INVALID);
  }

  @Test
  void fuzzedClientHellosNeverThrowNorReadPastTheirEnd() {
    Random random = new Random(20240601);
    byte[][] seeds = {
      ClientHellos.real(Provider.JDK, "TLSv1.3", "fuzz.example"),
      ClientHellos.real(Provider.OPENSSL, "TLSv1.2", "fuzz.example"),
      ClientHellos.refragment(ClientHellos.real(Provider.JDK, "TLSv1.2", "f.example"), 50),
      ClientHellos.build(ClientHellos.sni("a.b"), ClientHellos.extension(5, new byte[3]))
    };
    for (int i = 0; i < 20_000; i++) {
      byte[] seed = seeds[i % seeds.length];
      byte[] mutant = Arrays.copyOf(seed, random.nextInt(seed.length + 1));
      for (int flips = random.nextInt(4); flips >= 0 && mutant.length > 0; flips--) {
        mutant[random.nextInt(mutant.length)] = (byte) random.nextInt(256);
      }
      // a direct buffer whose end is the end of its memory: any read past it would fault
      ByteBuffer direct = ByteBuffer.allocateDirect(mutant.length).put(mutant).flip();
      Result r = ClientHelloSni.parse(direct);
      assertThat(r).isNotNull();
      assertThat(direct.position()).isZero();
      if (r.kind() == Kind.FOUND) {
        assertThat(r.serverName()).matches("[a-z0-9_.-]+");
      }
    }
  }

  private static Result parse(byte[] bytes) {
    return ClientHelloSni.parse(ByteBuffer.wrap(bytes));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
