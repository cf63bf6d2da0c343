package io.niotls.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.testing.MemoryPair;
import io.niotls.transport.MemoryTransport;
import io.niotls.wire.TlsRecords;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The ClientHello reading behind {@code requireAlpn}, through engines of both providers: a hello
 * dripped a byte at a time is still judged by its ALPN list, and what cannot be read is refused
 * with the RFC's alert, never let through unchecked. The parser itself is {@code
 * io.niotls.wire.ClientHelloParserTest}'s.
 */
class AlpnGuardTest {

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL", "BORINGSSL"})
  void aRefusedClientHelloDrippedAByteAtATimeGetsTheAlertAndFailsBothEngines(Provider provider) {
    TlsContext server =
        Contexts.server(provider, KeyType.EC_P256).alpn("h2").requireAlpn(true).build();
    TlsContext client = Contexts.client(provider, KeyType.EC_P256).alpn("http/1.1").build();
    try (MemoryPair pair = new MemoryPair(client, server, 1, 7)) {
      Status[] statuses = pair.handshakeUntilFailure();

      assertThat(statuses).containsExactly(Status.SSL, Status.SSL);
      assertThat(pair.client.failure().alert()).isEqualTo("no_application_protocol");
      assertThat(pair.server.failure().alert()).isEqualTo("no_application_protocol");
    }
    assertThat(server.bufferPool().outstanding()).isZero();
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL", "BORINGSSL"})
  void anAcceptedClientHelloDrippedAByteAtATimeCompletesTheHandshake(Provider provider) {
    TlsContext server =
        Contexts.server(provider, KeyType.EC_P256).alpn("h2").requireAlpn(true).build();
    TlsContext client = Contexts.client(provider, KeyType.EC_P256).alpn("h2").build();
    try (MemoryPair pair = new MemoryPair(client, server, 1, 7)) {
      pair.handshake();

      assertThat(pair.server.session().applicationProtocol()).isEqualTo("h2");
      assertThat(pair.client.session().applicationProtocol()).isEqualTo("h2");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL", "BORINGSSL"})
  void aClientHelloInARecordLongerThanPlaintextMayBeIsRefusedWithRecordOverflow(Provider provider) {
    TlsContext server =
        Contexts.server(provider, KeyType.EC_P256).alpn("h2").requireAlpn(true).build();
    byte[] padding = new byte[4 + TlsRecords.MAX_PLAINTEXT_BODY];
    padding[0] = 0;
    padding[1] = 21; // RFC 7685 padding, filling the record past 2^14 bytes
    padding[2] = (byte) ((padding.length - 4) >> 8);
    padding[3] = (byte) (padding.length - 4);
    byte[] hello = handshakeRecord(clientHello(concat(alpnExtension("h2"), padding)));
    MemoryTransport transport = new MemoryTransport();
    try (TlsEngine engine = TlsEngine.server(server, transport)) {
      transport.feed(hello);

      assertThat(engine.handshake()).isEqualTo(Status.SSL);
      assertThat(engine.failure().alert()).isEqualTo("record_overflow");
      assertThat(engine.failure().getMessage())
          .contains("more than the 16384 TLS allows in plaintext");
      assertThat(transport.drainAll())
          .as("a plaintext fatal record_overflow alert")
          .containsExactly(TlsRecords.ALERT, 3, 3, 0, 2, 2, 22);
    }
    assertThat(server.bufferPool().outstanding()).isZero();
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL", "BORINGSSL"})
  void aClientHelloThatCannotBeReadIsRefusedWithOneDecodeError(Provider provider) {
    TlsContext server =
        Contexts.server(provider, KeyType.EC_P256).alpn("h2").requireAlpn(true).build();
    byte[] hello = handshakeRecord(clientHello(alpnExtension("h2")));
    hello[5 + 4 + 2 + 32] = 33; // legacy_session_id: at most 32 bytes
    MemoryTransport transport = new MemoryTransport();
    try (TlsEngine engine = TlsEngine.server(server, transport)) {
      transport.feed(hello);

      assertThat(engine.handshake()).isEqualTo(Status.SSL);
      assertThat(engine.failure().alert()).isEqualTo("decode_error");
      assertThat(engine.failure().getMessage())
          .contains("a legacy_session_id of 33 bytes, more than 32");
      assertThat(transport.drainAll())
          .as("a plaintext fatal decode_error alert")
          .containsExactly(TlsRecords.ALERT, 3, 3, 0, 2, 2, 50);
    }
  }

  private static byte[] handshakeRecord(byte[] body) {
    return ByteBuffer.allocate(5 + body.length)
        .put((byte) TlsRecords.HANDSHAKE)
        .put((byte) 3)
        .put((byte) 1)
        .putShort((short) body.length)
        .put(body)
        .array();
  }

  /** A minimal ClientHello message offering {@code extensions}. */
  private static byte[] clientHello(byte[] extensions) {
    ByteBuffer body = ByteBuffer.allocate(1024 + extensions.length);
    body.putShort((short) 0x0303).put(new byte[32]).put((byte) 0);
    body.putShort((short) 2).putShort((short) 0x1301).put((byte) 1).put((byte) 0);
    body.putShort((short) extensions.length).put(extensions);
    body.flip();
    ByteBuffer message = ByteBuffer.allocate(4 + body.remaining());
    message.put((byte) 1).put((byte) 0).putShort((short) body.remaining()).put(body);
    return message.array();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private static byte[] alpnExtension(String... names) {
    ByteArrayOutputStream list = new ByteArrayOutputStream();
    for (String name : names) {
      list.write(name.length());
      list.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
    }
    byte[] l = list.toByteArray();
    return ByteBuffer.allocate(6 + l.length)
        .putShort((short) 16)
        .putShort((short) (2 + l.length))
        .putShort((short) l.length)
        .put(l)
        .array();
  }
}
