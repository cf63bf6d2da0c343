package io.niotls.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.context.Provider;
import io.niotls.wire.ClientHelloParser.State;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The one ClientHello parser, behind SNI routing and {@code requireAlpn}: real ClientHellos of both
 * providers are read however they are split, over records and over reads; what is not a ClientHello
 * is told apart from a malformed one, each with its reason; nothing makes it throw, read past a
 * buffer or hold more than {@link ClientHelloParser#MAX_CLIENT_HELLO} bytes.
 */
class ClientHelloParserTest {

  @ParameterizedTest
  @MethodSource("io.niotls.testing.Matrix#providersAndProtocols")
  void findsTheNameAndTheAlpnListInARealClientHello(Provider provider, String protocol) {
    byte[] hello = ClientHellos.real(provider, protocol, "www.example.com", "spdy/3", "h2");

    ClientHelloParser parser = parse(hello);

    assertThat(parser.state()).isEqualTo(State.DONE);
    assertThat(parser.serverName()).isEqualTo("www.example.com");
    assertThat(parser.serverNameProblem()).isNull();
    assertThat(parser.alpn()).containsExactly("spdy/3", "h2");
    assertThat(parser.problem()).isNull();
  }

  @ParameterizedTest
  @MethodSource("io.niotls.testing.Matrix#providers")
  void everyPrefixOfAClientHelloNeedsMore(Provider provider) {
    byte[] hello = ClientHellos.real(provider, "TLSv1.3", "a.example.com");
    for (int n = 0; n < hello.length; n++) {
      assertThat(parse(Arrays.copyOf(hello, n)).state())
          .as("%d of %d bytes", n, hello.length)
          .isEqualTo(State.NEED_MORE);
    }
    assertThat(parse(hello).serverName()).isEqualTo("a.example.com");
  }

  @ParameterizedTest
  @MethodSource("io.niotls.testing.Matrix#providers")
  void aClientHelloFedAByteAtATimeIsReadWhenItsLastByteArrives(Provider provider) {
    byte[] hello = ClientHellos.real(provider, "TLSv1.3", "b.example.com", "h2");
    ClientHelloParser parser = new ClientHelloParser();

    for (int i = 0; i < hello.length; i++) {
      assertThat(parser.state()).as("before byte %d", i).isEqualTo(State.NEED_MORE);
      parser.feed(ByteBuffer.wrap(hello, i, 1));
    }

    assertThat(parser.state()).isEqualTo(State.DONE);
    assertThat(parser.serverName()).isEqualTo("b.example.com");
    assertThat(parser.alpn()).containsExactly("h2");
  }

  @ParameterizedTest
  @MethodSource("io.niotls.testing.Matrix#providers")
  void aClientHelloSpreadOverOneByteRecordsIsStillRead(Provider provider) {
    byte[] hello =
        ClientHellos.refragment(ClientHellos.real(provider, "TLSv1.3", "x.test", "h2"), 1);
    for (int n = 0; n < hello.length; n += 7) {
      assertThat(parse(Arrays.copyOf(hello, n)).state()).isEqualTo(State.NEED_MORE);
    }
    assertThat(parse(hello).serverName()).isEqualTo("x.test");
    assertThat(parse(hello).alpn()).containsExactly("h2");
  }

  @Test
  void aClientHelloSplitOverTwoRecordsAndFedAByteAtATimeIsRead() {
    byte[] message = ClientHellos.handshake(helloBody(ClientHellos.alpn("h2", "http/1.1")));
    int cut = message.length / 3;
    byte[] wire =
        ClientHellos.concat(
            ClientHellos.record(Arrays.copyOfRange(message, 0, cut)),
            ClientHellos.record(Arrays.copyOfRange(message, cut, message.length)));
    ClientHelloParser parser = new ClientHelloParser();

    for (byte b : wire) {
      assertThat(parser.state()).isEqualTo(State.NEED_MORE);
      parser.feed(ByteBuffer.wrap(new byte[] {b}));
    }

    assertThat(parser.state()).isEqualTo(State.DONE);
    assertThat(parser.alpn()).containsExactly("h2", "http/1.1");
  }

  @Test
  void aClientHelloInRecordsOfTheLargestPlaintextIsRead() {
    byte[] hello =
        ClientHellos.refragment(
            ClientHellos.build(
                ClientHellos.extension(21, new byte[40_000]), ClientHellos.sni("big.example")),
            TlsRecords.MAX_PLAINTEXT_BODY);

    ClientHelloParser parser = parse(hello);

    assertThat(parser.state()).isEqualTo(State.DONE);
    assertThat(parser.serverName()).isEqualTo("big.example");
  }

  @Test
  void bytesAfterTheClientHelloAreNotRead() {
    byte[] hello = ClientHellos.build(ClientHellos.sni("a.b"));
    byte[] garbage = "not TLS at all".getBytes(StandardCharsets.US_ASCII);
    ClientHelloParser parser = new ClientHelloParser();

    parser.feed(ByteBuffer.wrap(ClientHellos.concat(hello, garbage)));
    parser.feed(ByteBuffer.wrap(garbage));

    assertThat(parser.state()).isEqualTo(State.DONE);
    assertThat(parser.serverName()).isEqualTo("a.b");
  }

  @ParameterizedTest
  @MethodSource("io.niotls.testing.Matrix#providers")
  void aClientConnectingToAnAddressSendsNoName(Provider provider) {
    ClientHelloParser parser = parse(ClientHellos.real(provider, "TLSv1.3", "127.0.0.1"));

    assertThat(parser.state()).isEqualTo(State.DONE);
    assertThat(parser.serverName()).isNull();
    assertThat(parser.serverNameProblem()).isNull();
    assertThat(parser.alpn()).as("no ALPN offered").isNull();
  }

  @Test
  void aClientHelloWithoutExtensionsHasNoNameAndNoAlpn() {
    ClientHelloParser parser = parse(ClientHellos.build());

    assertThat(parser.state()).isEqualTo(State.DONE);
    assertThat(parser.serverName()).isNull();
    assertThat(parser.alpn()).isNull();
  }

  @Test
  void namesAreLowerCased() {
    assertThat(parse(ClientHellos.build(ClientHellos.sni("WWW.Example.COM"))).serverName())
        .isEqualTo("www.example.com");
  }

  @Test
  void otherNameTypesAreIgnored() {
    byte[] data = {0, 4, 7, 0, 1, 'x'};
    ClientHelloParser parser = parse(ClientHellos.build(ClientHellos.extension(0, data)));

    assertThat(parser.state()).isEqualTo(State.DONE);
    assertThat(parser.serverName()).isNull();
    assertThat(parser.serverNameProblem()).isNull();
  }

  @Test
  void theNameAndTheAlpnListAreFoundAmongOtherExtensions() {
    byte[] hello =
        ClientHellos.build(
            ClientHellos.extension(10, new byte[] {0, 2, 0, 29}),
            ClientHellos.alpn("h2"),
            ClientHellos.extension(0xff01, new byte[] {0}),
            ClientHellos.sni("late.example"),
            ClientHellos.extension(17, new byte[0]));

    ClientHelloParser parser = parse(hello);

    assertThat(parser.serverName()).isEqualTo("late.example");
    assertThat(parser.alpn()).containsExactly("h2");
  }

  @Test
  void theBufferIsReadFromItsPositionAndNotMoved() {
    byte[] hello = ClientHellos.build(ClientHellos.sni("a.b"));
    byte[] padded = new byte[hello.length + 10];
    System.arraycopy(hello, 0, padded, 3, hello.length);
    ByteBuffer buffer = ByteBuffer.wrap(padded, 3, hello.length).asReadOnlyBuffer();
    ClientHelloParser parser = new ClientHelloParser();

    parser.feed(buffer);

    assertThat(parser.serverName()).isEqualTo("a.b");
    assertThat(buffer.position()).isEqualTo(3);
    assertThat(buffer.limit()).isEqualTo(3 + hello.length);
  }

  @ParameterizedTest
  @ValueSource(strings = {"G", "GET / HTTP/1.1\r\n", "SSH-2.0-OpenSSH", "\u0000"})
  void plaintextIsNotAClientHelloFromItsFirstByte(String text) {
    ClientHelloParser parser = parse(text.getBytes(StandardCharsets.ISO_8859_1));

    assertThat(parser.state()).isEqualTo(State.NOT_A_CLIENT_HELLO);
    assertThat(parser.problem()).contains("not a TLS handshake");
    assertThat(parser.alert()).isNull();
  }

  @Test
  void anSslv2HelloIsNotAClientHello() {
    ClientHelloParser parser = parse(new byte[] {(byte) 0x80, 0x2e, 1});

    assertThat(parser.state()).isEqualTo(State.NOT_A_CLIENT_HELLO);
    assertThat(parser.problem()).contains("SSLv2");
  }

  @Test
  void aRecordWithAnotherMajorVersionIsNotAClientHello() {
    ClientHelloParser parser = parse(new byte[] {TlsRecords.HANDSHAKE, 2});

    assertThat(parser.state()).isEqualTo(State.NOT_A_CLIENT_HELLO);
    assertThat(parser.problem()).contains("version major 0x02");
  }

  @Test
  void anEmptyHandshakeRecordIsNotAClientHello() {
    ClientHelloParser parser = parse(ClientHellos.header(TlsRecords.HANDSHAKE, 0));

    assertThat(parser.state()).isEqualTo(State.NOT_A_CLIENT_HELLO);
    assertThat(parser.problem()).contains("empty");
  }

  @Test
  void aHandshakeMessageOtherThanClientHelloIsNotAClientHello() {
    ClientHelloParser parser = parse(ClientHellos.record(new byte[] {2, 0, 0, 0}));

    assertThat(parser.state()).isEqualTo(State.NOT_A_CLIENT_HELLO);
    assertThat(parser.problem()).contains("type 2");
  }

  @Test
  void aClientHelloInterruptedByAnotherRecordIsNotAClientHello() {
    byte[] hello = ClientHellos.refragment(ClientHellos.build(ClientHellos.sni("a.b")), 20);
    byte[] broken =
        ClientHellos.concat(
            Arrays.copyOf(hello, 25),
            ClientHellos.record(TlsRecords.APPLICATION_DATA, new byte[1]));

    ClientHelloParser parser = parse(broken);

    assertThat(parser.state()).isEqualTo(State.NOT_A_CLIENT_HELLO);
    assertThat(parser.problem()).isEqualTo("the ClientHello is interrupted by a record of type 23");
  }

  @Test
  void aRecordLongerThanPlaintextMayBeIsRefusedFromItsHeaderWithRecordOverflow() {
    ClientHelloParser parser =
        parse(ClientHellos.header(TlsRecords.HANDSHAKE, TlsRecords.MAX_PLAINTEXT_BODY + 1));

    assertThat(parser.state()).isEqualTo(State.MALFORMED);
    assertThat(parser.alert()).isEqualTo("record_overflow");
    assertThat(parser.problem())
        .isEqualTo(
            "the ClientHello comes in a 16385-byte record, more than the 16384 TLS allows in"
                + " plaintext (RFC 8446 section 5.1)");
  }

  @Test
  void aClientHelloAnnouncingMoreThan64KiBIsRefusedFromItsHeader() {
    ClientHelloParser parser = parse(ClientHellos.record(new byte[] {1, 0x01, 0, 1}));

    assertThat(parser.state()).isEqualTo(State.MALFORMED);
    assertThat(parser.alert()).isEqualTo("decode_error");
    assertThat(parser.problem())
        .isEqualTo("the ClientHello announces 65537 bytes, more than 65536");
  }

  @Test
  void aClientHelloNeverGrowsPastTheLimit() {
    // announces the largest size accepted, then keeps sending full records of zeros
    byte[] body = new byte[TlsRecords.MAX_PLAINTEXT_BODY];
    System.arraycopy(new byte[] {1, 0, (byte) 0xff, (byte) 0xfc}, 0, body, 0, 4);
    ClientHelloParser parser = new ClientHelloParser();
    int fed = 0;
    for (int i = 0; i < 6 && parser.state() == State.NEED_MORE; i++) {
      byte[] record = ClientHellos.record(i == 0 ? body : new byte[body.length]);
      parser.feed(ByteBuffer.wrap(record));
      fed += record.length;
    }

    assertThat(parser.state()).isEqualTo(State.MALFORMED);
    assertThat(parser.problem()).contains("its version is not TLS");
    assertThat(fed).isLessThanOrEqualTo(4 * (TlsRecords.MAX_PLAINTEXT_BODY + 5));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a..b", "a.b.", ".a", "a b", "a\u0000b", "caf\u00e9.fr", "a/b"})
  void aServerNameThatIsNotAHostNameIsReportedAndNotReturned(String name) {
    ClientHelloParser parser =
        parse(ClientHellos.build(ClientHellos.sni(name), ClientHellos.alpn("h2")));

    assertThat(parser.state()).as("the rest of the hello is read").isEqualTo(State.DONE);
    assertThat(parser.serverName()).isNull();
    assertThat(parser.serverNameProblem()).isNotBlank();
    assertThat(parser.alpn()).containsExactly("h2");
  }

  @Test
  void aLabelLongerThan63IsReported() {
    String label = "x".repeat(64);
    assertThat(parse(ClientHellos.build(ClientHellos.sni(label + ".com"))).serverNameProblem())
        .isEqualTo("a label longer than 63 characters in the server name");
    assertThat(parse(ClientHellos.build(ClientHellos.sni("x".repeat(63) + ".com"))).serverName())
        .isEqualTo("x".repeat(63) + ".com");
  }

  @Test
  void twoHostNamesAreMalformed() {
    assertMalformed(ClientHellos.build(ClientHellos.sni("a.b", "c.d")), "two host names");
  }

  @Test
  void twoServerNameExtensionsAreMalformed() {
    byte[] sni = ClientHellos.sni("a.b");
    assertMalformed(ClientHellos.build(sni, sni), "two server_name extensions");
  }

  @Test
  void twoAlpnExtensionsAreMalformed() {
    byte[] alpn = ClientHellos.alpn("h2");
    assertMalformed(ClientHellos.build(alpn, alpn), "two ALPN extensions");
  }

  @Test
  void anExtensionRunningPastTheHelloIsMalformed() {
    byte[] hello = ClientHellos.build(ClientHellos.sni("a.b"));
    hello[hello.length - 10] = 0x7f; // the server_name extension's length
    assertMalformed(hello, "extension 0 overruns the ClientHello");
  }

  @Test
  void aServerNameListThatDoesNotFillItsExtensionIsMalformed() {
    byte[] hello = ClientHellos.build(ClientHellos.sni("a.b"));
    hello[hello.length - 8] = 0x7f; // the list's length
    assertMalformed(hello, "a malformed server_name list");
  }

  @Test
  void extensionsThatDoNotFillTheHelloAreMalformed() {
    byte[] hello = ClientHellos.build(ClientHellos.sni("a.b"));
    int extensionsLength = 9 + 2 + 32 + 1 + 4 + 2; // headers, version, random, id, suites, methods
    hello[extensionsLength + 1]++;
    assertMalformed(hello, "the extensions do not fill the ClientHello exactly");
  }

  @Test
  void aSessionIdLongerThan32IsMalformed() {
    byte[] hello = ClientHellos.build();
    hello[9 + 2 + 32] = 33;
    assertMalformed(hello, "a legacy_session_id of 33 bytes, more than 32");
  }

  @Test
  void anAlpnListThatRunsPastItsExtensionIsMalformed() {
    byte[] extension = ClientHellos.alpn("h2");
    extension[5] = 9; // the list claims 9 bytes, 3 follow
    assertMalformed(
        ClientHellos.build(extension),
        "the ClientHello cannot be read: a length runs past its end (9 bytes wanted, 3 left)");
  }

  @Test
  void anEmptyAlpnNameIsMalformed() {
    assertMalformed(ClientHellos.build(ClientHellos.alpn("h2", "")), "an empty ALPN protocol name");
  }

  @Test
  void anEmptyAlpnListIsMalformed() {
    assertMalformed(ClientHellos.build(ClientHellos.alpn()), "an empty ALPN protocol list");
  }

  @Test
  void bytesFedAfterAVerdictChangeNothing() {
    ClientHelloParser parser = parse("GET /".getBytes(StandardCharsets.US_ASCII));

    parser.feed(ByteBuffer.wrap(ClientHellos.build(ClientHellos.sni("a.b"))));

    assertThat(parser.state()).isEqualTo(State.NOT_A_CLIENT_HELLO);
    assertThat(parser.serverName()).isNull();
  }

  @Test
  void fuzzedClientHellosNeverThrowNorReadPastTheirEndWhateverTheirPieces() {
    Random random = new Random(20240601);
    byte[][] seeds = {
      ClientHellos.real(Provider.JDK, "TLSv1.3", "fuzz.example", "h2"),
      ClientHellos.real(Provider.OPENSSL, "TLSv1.2", "fuzz.example", "h2", "http/1.1"),
      ClientHellos.refragment(ClientHellos.real(Provider.JDK, "TLSv1.2", "f.example"), 50),
      ClientHellos.build(
          ClientHellos.sni("a.b"), ClientHellos.extension(5, new byte[3]), ClientHellos.alpn("x"))
    };
    for (int i = 0; i < 20_000; i++) {
      byte[] seed = seeds[i % seeds.length];
      byte[] mutant = Arrays.copyOf(seed, random.nextInt(seed.length + 1));
      for (int flips = random.nextInt(4); flips >= 0 && mutant.length > 0; flips--) {
        mutant[random.nextInt(mutant.length)] = (byte) random.nextInt(256);
      }
      // a direct buffer whose end is the end of its memory: any read past it would fault
      ByteBuffer direct = ByteBuffer.allocateDirect(mutant.length).put(mutant).flip();
      ClientHelloParser whole = new ClientHelloParser();
      whole.feed(direct);
      assertThat(direct.position()).isZero();
      if (whole.state() == State.DONE && whole.serverName() != null) {
        assertThat(whole.serverName()).matches("[a-z0-9_.-]+");
      }
      if (whole.state() == State.NOT_A_CLIENT_HELLO || whole.state() == State.MALFORMED) {
        assertThat(whole.problem()).isNotBlank();
      }
      // the same bytes in random pieces: the same verdict
      ClientHelloParser pieces = new ClientHelloParser();
      for (int at = 0; at < mutant.length; ) {
        int n = 1 + random.nextInt(Math.min(mutant.length - at, 300));
        pieces.feed(ByteBuffer.wrap(mutant, at, n));
        at += n;
      }
      assertThat(pieces.state()).isEqualTo(whole.state());
      assertThat(pieces.problem()).isEqualTo(whole.problem());
      assertThat(pieces.serverName()).isEqualTo(whole.serverName());
      assertThat(pieces.alpn()).isEqualTo(whole.alpn());
    }
  }

  private static void assertMalformed(byte[] hello, String why) {
    ClientHelloParser parser = parse(hello);
    assertThat(parser.state()).isEqualTo(State.MALFORMED);
    assertThat(parser.alert()).isEqualTo("decode_error");
    assertThat(parser.problem()).startsWith("the ClientHello cannot be read: ").contains(why);
  }

  /** A ClientHello body (after the message header) offering {@code extensions}. */
  private static byte[] helloBody(byte[]... extensions) {
    byte[] record = ClientHellos.build(extensions);
    return Arrays.copyOfRange(record, 5 + 4, record.length);
  }

  private static ClientHelloParser parse(byte[] bytes) {
    ClientHelloParser parser = new ClientHelloParser();
    parser.feed(ByteBuffer.wrap(bytes));
    return parser;
  }
}
