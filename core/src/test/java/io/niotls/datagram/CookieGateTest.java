package io.niotls.datagram;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.ProviderEngines;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class CookieGateTest {
  private final TlsContext clientContext =
      Contexts.client(Provider.JDK, KeyType.EC_P256).datagrams().build();
  private final TlsContext serverContext =
      Contexts.server(Provider.JDK, KeyType.EC_P256).datagrams().build();
  private final LossyNetwork net = new LossyNetwork(1, 0, 0, 0);
  private final DtlsEngine client =
      new DtlsEngine(
          clientContext,
          ProviderEngines.newEngine(clientContext, "localhost", 4433),
          net.a,
          1400,
          net::now,
          Retransmissions.INITIAL);
  private final CookieGate gate = new CookieGate(serverContext, 1400, net::now);

  @Test
  void aHelloWithoutCookieIsAnsweredAndTheHelloWithItsCookieGetsAnEngineThatFinishes() {
    DtlsEngine server = gate.admit(helloWithCookie(), net.b);

    assertThat(gate.verifyRequests()).isEqualTo(1);
    assertThat(server).isNotNull();
    for (int step = 0; step < 20 && !(client.isOpen() && server.isOpen()); step++) {
      client.handshake();
      server.handshake();
    }
    assertThat(client.isOpen()).isTrue();
    assertThat(server.isOpen()).isTrue();
    assertThat(server.session().getProtocol()).isEqualTo("DTLSv1.2");
  }

  @Test
  void aHelloWithACookieSplitOverTwoDatagramsIsRefusedWithoutAnEngineOrAnAnswer() {
    ByteBuffer hello = helloWithCookie();
    ByteBuffer[] halves = split(hello, 100);
    int answered = net.a.waiting();

    DtlsEngine first = gate.admit(halves[0], net.b);
    DtlsEngine second = gate.admit(halves[1], net.b);

    assertThat(first).isNull();
    assertThat(second).isNull();
    assertThat(gate.fragmentedHellos()).isEqualTo(1);
    assertThat(gate.refused()).isEqualTo(2);
    assertThat(net.a.waiting()).isEqualTo(answered); // nothing sent back
    assertThat(halves[0].hasRemaining()).isFalse();
    assertThat(gate.admit(hello, net.b)).isNotNull(); // whole, the same hello is let in
  }

  /** The client's hello, the gate's HelloVerifyRequest, and the client's hello with the cookie. */
  private ByteBuffer helloWithCookie() {
    client.handshake();
    assertThat(gate.admit(take(net.b), net.b)).isNull();
    client.handshake();
    return take(net.b);
  }

  private static ByteBuffer take(LossyNetwork.End end) {
    ByteBuffer b = ByteBuffer.allocate(20_000);
    assertThat(end.receive(b)).isPositive();
    return b.flip();
  }

  /** The datagram's one ClientHello record as two, each in its own datagram, cut {@code at}. */
  private static ByteBuffer[] split(ByteBuffer hello, int at) {
    int length = hello.remaining() - DtlsRecords.HEADER - 12;
    long seq = DtlsRecords.sequence(hello, 0);
    return new ByteBuffer[] {
      fragment(hello, seq, 0, at), fragment(hello, seq + 1, at, length - at)
    };
  }

  private static ByteBuffer fragment(ByteBuffer hello, long seq, int offset, int length) {
    ByteBuffer d = ByteBuffer.allocate(DtlsRecords.HEADER + 12 + length);
    d.put(hello.slice(0, 5)).putShort((short) (seq >>> 32)).putInt((int) seq);
    d.putShort((short) (12 + length));
    d.put(hello.slice(DtlsRecords.HEADER, 6)); // type, length, message_seq
    d.put((byte) (offset >>> 16)).put((byte) (offset >>> 8)).put((byte) offset);
    d.put((byte) (length >>> 16)).put((byte) (length >>> 8)).put((byte) length);
    d.put(hello.slice(DtlsRecords.HEADER + 12 + offset, length));
    return d.flip();
  }
}
