package io.niotls.engine;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Chunks;
import io.niotls.testing.Contexts;
import io.niotls.testing.Matrix;
import io.niotls.testing.MemoryPair;
import io.niotls.transport.MemoryTransport;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * stopTls at the engine: close_notify both ways, then {@link TlsEngine#unwrapRemainder()} hands
 * back the bytes read behind the peer's close_notify, and the transport carries plaintext on. Each
 * side writes plaintext straight behind its close_notify, so it arrives in the same chunk as the
 * close_notify's last byte (whole-record chunking) or byte by byte after it (1-byte chunking):
 * either way it must come out as plaintext, in order, and never reach the provider as TLS.
 */
class StopTlsEngineTest {
  private static final byte[] LAST_WORDS = "last TLS words of the responder".getBytes(US_ASCII);
  private static final byte[] FROM_INITIATOR = "PLAIN from the initiator\r\n".getBytes(US_ASCII);
  private static final byte[] FROM_RESPONDER = "PLAIN from the responder\r\n".getBytes(US_ASCII);

  static Stream<Arguments> cases() {
    return Matrix.providersAndProtocols()
        .flatMap(
            a ->
                Stream.of(Chunks.oneByte(), Chunks.wholeRecords())
                    .flatMap(
                        chunks ->
                            Stream.of(true, false)
                                .flatMap(
                                    clientBegins ->
                                        Stream.of(true, false)
                                            .map(
                                                reads ->
                                                    Arguments.of(
                                                        a.get()[0],
                                                        a.get()[1],
                                                        chunks,
                                                        clientBegins,
                                                        reads)))));
  }

  @ParameterizedTest(name = "{0} {1} {2}, client begins: {3}, initiator reads the last data: {4}")
  @MethodSource("cases")
  void bothSidesContinueInPlaintextWithTheBytesBehindEachCloseNotify(
      Provider provider, String protocol, Chunks chunks, boolean clientBegins, boolean reads) {
    TlsContext client = Contexts.client(provider, KeyType.EC_P256).protocols(protocol).build();
    TlsContext server = Contexts.server(provider, KeyType.EC_P256).protocols(protocol).build();
    try (MemoryPair pair = MemoryPair.builder(client, server).chunks(chunks).build()) {
      pair.handshake();
      TlsEngine initiator = clientBegins ? pair.client : pair.server;
      TlsEngine responder = clientBegins ? pair.server : pair.client;
      MemoryTransport initiatorWire = clientBegins ? pair.clientTransport : pair.serverTransport;
      MemoryTransport responderWire = clientBegins ? pair.serverTransport : pair.clientTransport;
      byte[] tls = "over TLS first".getBytes(US_ASCII);
      assertThat(pair.send(initiator, responder, tls)).isEqualTo(tls);
      assertThat(pair.send(responder, initiator, tls)).isEqualTo(tls);

      // The initiator's close_notify, and its plaintext right behind it on the wire.
      assertThat(initiator.shutdown()).isEqualTo(Status.SENT);
      initiatorWire.write(ByteBuffer.wrap(FROM_INITIATOR));
      // The responder's last TLS data crosses the close_notify on its way.
      assertThat(responder.write(ByteBuffer.wrap(LAST_WORDS))).isEqualTo(LAST_WORDS.length);

      MemoryPair.Received last = pair.readAll(responder);
      assertThat(last.status()).as("%s", pair).isEqualTo(Status.ZERO_RETURN);
      assertThat(last.bytes()).isEmpty();
      assertThat(responder.shutdown()).as("%s", responder.failure()).isEqualTo(Status.DONE);
      responderWire.write(ByteBuffer.wrap(FROM_RESPONDER)); // right behind its close_notify
      ByteBuffer responderRest = responder.unwrapRemainder();

      if (reads) {
        MemoryPair.Received words = pair.readAll(initiator);
        assertThat(words.status())
            .as("%s %s", pair, initiator.failure())
            .isEqualTo(Status.ZERO_RETURN);
        assertThat(words.bytes()).as("TLS data before the close_notify").isEqualTo(LAST_WORDS);
      }
      Status s = initiator.shutdown();
      for (int step = 0; step < 1_000_000 && s == Status.SENT; step++) {
        pair.pump();
        s = initiator.shutdown(); // discards the responder's last data
      }
      assertThat(s).as("%s %s", pair, initiator.failure()).isEqualTo(Status.DONE);
      ByteBuffer initiatorRest = initiator.unwrapRemainder();
      if (chunks.max() == Chunks.WHOLE_RECORDS) {
        assertThat(initiatorRest.remaining())
            .as("the plaintext came in the same read as the close_notify")
            .isEqualTo(FROM_RESPONDER.length);
      }

      pair.pumpAll();
      assertThat(plaintext(initiatorRest, initiatorWire)).isEqualTo(FROM_RESPONDER);
      assertThat(plaintext(responderRest, responderWire)).isEqualTo(FROM_INITIATOR);

      // Plaintext goes on both ways over the same transports.
      byte[] more = "and more plaintext".getBytes(US_ASCII);
      responderWire.write(ByteBuffer.wrap(more));
      pair.pumpAll();
      assertThat(plaintext(ByteBuffer.allocate(0), initiatorWire)).isEqualTo(more);
      assertThat(initiator.holdsBuffers()).isFalse();
      assertThat(responder.holdsBuffers()).isFalse();
      initiator.close(); // does nothing more: the transport is the caller's
      assertThat(initiatorWire.isOpen()).isTrue();
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.niotls.testing.Matrix#providersAndProtocols")
  void closeNotifysThatCrossKeepThePlaintextBehindEach(Provider provider, String protocol) {
    TlsContext client = Contexts.client(provider, KeyType.EC_P256).protocols(protocol).build();
    TlsContext server = Contexts.server(provider, KeyType.EC_P256).protocols(protocol).build();
    try (MemoryPair pair = MemoryPair.wholeRecords(client, server)) {
      pair.handshake();
      // Both begin at once; the server's close_notify and plaintext are already in the client's
      // transport when the client sends its own (a TLS 1.3 BoringSSL client reads ahead for
      // tickets then, and meets the close_notify with the plaintext behind it).
      assertThat(pair.server.shutdown()).isEqualTo(Status.SENT);
      pair.serverTransport.write(ByteBuffer.wrap(FROM_RESPONDER));
      pair.pumpAll();
      assertThat(pair.client.shutdown())
          .as("%s", pair.client.failure())
          .isIn(Status.SENT, Status.DONE);
      pair.clientTransport.write(ByteBuffer.wrap(FROM_INITIATOR));
      pair.pumpAll();
      assertThat(pair.client.shutdown()).as("%s", pair.client.failure()).isEqualTo(Status.DONE);
      assertThat(pair.server.shutdown()).as("%s", pair.server.failure()).isEqualTo(Status.DONE);
      assertThat(plaintext(pair.client.unwrapRemainder(), pair.clientTransport))
          .isEqualTo(FROM_RESPONDER);
      assertThat(plaintext(pair.server.unwrapRemainder(), pair.serverTransport))
          .isEqualTo(FROM_INITIATOR);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.niotls.testing.Matrix#providersAndProtocols")
  void unwrapRemainderBeforeCloseNotifyWentBothWaysSaysWhatIsMissing(
      Provider provider, String protocol) {
    TlsContext client = Contexts.client(provider, KeyType.EC_P256).protocols(protocol).build();
    TlsContext server = Contexts.server(provider, KeyType.EC_P256).protocols(protocol).build();
    try (MemoryPair pair = MemoryPair.wholeRecords(client, server)) {
      pair.handshake();
      assertThatThrownBy(pair.client::unwrapRemainder)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("call shutdown()")
          .hasMessageContaining("the peer's close_notify not read");
      assertThat(pair.client.shutdown()).isEqualTo(Status.SENT);
      assertThatThrownBy(pair.client::unwrapRemainder)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("SHUTDOWN_SENT");
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.niotls.testing.Matrix#providersAndProtocols")
  void aPeerThatEndsTheTcpStreamInsteadOfSendingCloseNotifyIsATruncation(
      Provider provider, String protocol) {
    TlsContext client = Contexts.client(provider, KeyType.EC_P256).protocols(protocol).build();
    TlsContext server = Contexts.server(provider, KeyType.EC_P256).protocols(protocol).build();
    try (MemoryPair pair = MemoryPair.wholeRecords(client, server)) {
      pair.handshake();
      assertThat(pair.client.shutdown()).isEqualTo(Status.SENT);
      pair.pumpAll();
      pair.clientTransport.feedEof(); // the server closes TCP instead of answering
      assertThat(Status.ofCode(pair.client.read(ByteBuffer.allocate(64))))
          .isEqualTo(Status.SYSCALL);
      assertThat(pair.client.failure().kind()).isEqualTo(TlsException.Kind.TRUNCATED);
      assertThatThrownBy(pair.client::unwrapRemainder)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("FAILED");
    }
  }

  /** {@code rest}, then everything the transport holds inbound. */
  private static byte[] plaintext(ByteBuffer rest, MemoryTransport wire) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(rest.array(), rest.arrayOffset() + rest.position(), rest.remaining());
    ByteBuffer buffer = ByteBuffer.allocate(256);
    while (wire.read(buffer.clear()) > 0) {
      out.write(buffer.array(), 0, buffer.position());
    }
    return out.toByteArray();
  }
}
