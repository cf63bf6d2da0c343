package io.niotls.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.testing.MemoryPair;
import io.niotls.transport.MemoryTransport;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The ClientHello reading behind {@code requireAlpn}: whatever way the hello arrives (split over
 * records, a byte at a time), its ALPN list is found; what is not a hello is left to the engine;
 * what cannot be read is refused, never let through unchecked.
 */
class AlpnGuardTest {

  @Test
  void aClientHelloSplitOverTwoRecordsAndFedAByteAtATimeIsRead() {
    byte[] record = realHello(Provider.JDK, "h2", "http/1.1");
    byte[] message = Arrays.copyOfRange(record, 5, record.length);
    int cut = message.length / 3;
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    wire.writeBytes(handshakeRecord(Arrays.copyOfRange(message, 0, cut)));
    wire.writeBytes(handshakeRecord(Arrays.copyOfRange(message, cut, message.length)));
    ClientHelloReader reader = new ClientHelloReader();

    for (byte b : wire.toByteArray()) {
      assertThat(reader.state()).isEqualTo(ClientHelloReader.State.READING);
      reader.feed(ByteBuffer.wrap(new byte[] {b}));
    }

    assertThat(reader.state()).isEqualTo(ClientHelloReader.State.DONE);
    assertThat(reader.alpn()).containsExactly("h2", "http/1.1");
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void theAlpnListOfEachProvidersClientHelloIsFound(Provider provider) {
    ClientHelloReader reader = new ClientHelloReader();

    reader.feed(ByteBuffer.wrap(realHello(provider, "spdy/3", "h2")));

    assertThat(reader.state()).isEqualTo(ClientHelloReader.State.DONE);
    assertThat(reader.alpn()).containsExactly("spdy/3", "h2");
  }

  @Test
  void aClientHelloWithoutExtensionsOffersNoAlpn() {
    ClientHelloReader reader = new ClientHelloReader();

    reader.feed(ByteBuffer.wrap(handshakeRecord(clientHello(null))));

    assertThat(reader.state()).isEqualTo(ClientHelloReader.State.DONE);
    assertThat(reader.alpn()).isNull();
  }

  @Test
  void aFirstRecordThatIsNotAHandshakeIsLeftToTheEngine() {
    ClientHelloReader reader = new ClientHelloReader();

    reader.feed(ByteBuffer.wrap("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII)));

    assertThat(reader.state()).isEqualTo(ClientHelloReader.State.NOT_A_CLIENT_HELLO);
  }

  @Test
  void anAlpnListThatRunsPastItsExtensionIsMalformed() {
    byte[] extension = alpnExtension("h2");
    extension[5] = 9; // the list claims 9 bytes, 3 follow
    ClientHelloReader reader = new ClientHelloReader();

    reader.feed(ByteBuffer.wrap(handshakeRecord(clientHello(extension))));

    assertThat(reader.state()).isEqualTo(ClientHelloReader.State.MALFORMED);
    assertThat(reader.problem()).startsWith("the ClientHello cannot be read: a length runs past");
  }

  @Test
  void aClientHelloAnnouncingMoreThan64KiBIsRefusedFromItsHeader() {
    byte[] message = {1, 0x01, 0, 1}; // ClientHello of 65,537 bytes
    ClientHelloReader reader = new ClientHelloReader();

    reader.feed(ByteBuffer.wrap(handshakeRecord(message)));

    assertThat(reader.state()).isEqualTo(ClientHelloReader.State.MALFORMED);
    assertThat(reader.problem()).contains("65537 bytes, more than 65536");
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
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
      names = {"JDK", "OPENSSL"})
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

  /** The first flight of a client engine offering {@code alpn}: one handshake record. */
  private static byte[] realHello(Provider provider, String... alpn) {
    TlsContext context = Contexts.client(provider, KeyType.EC_P256).alpn(alpn).build();
    MemoryTransport transport = new MemoryTransport();
    TlsEngine engine = TlsEngine.client(context, transport, "localhost", 443);
    try {
      engine.handshake();
      return transport.drainAll();
    } finally {
      engine.close();
    }
  }

  private static byte[] handshakeRecord(byte[] body) {
    return ByteBuffer.allocate(5 + body.length)
        .put((byte) 22)
        .put((byte) 3)
        .put((byte) 1)
        .putShort((short) body.length)
        .put(body)
        .array();
  }

  /** A minimal ClientHello message; {@code extensions} null: none at all (as TLS 1.2 allows). */
  private static byte[] clientHello(byte[] extensions) {
    ByteBuffer body = ByteBuffer.allocate(1024);
    body.putShort((short) 0x0303).put(new byte[32]).put((byte) 0);
    body.putShort((short) 2).putShort((short) 0x1301).put((byte) 1).put((byte) 0);
    if (extensions != null) {
      body.putShort((short) extensions.length).put(extensions);
    }
    body.flip();
    ByteBuffer message = ByteBuffer.allocate(4 + body.remaining());
    message.put((byte) 1).put((byte) 0).putShort((short) body.remaining()).put(body);
    return message.array();
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
