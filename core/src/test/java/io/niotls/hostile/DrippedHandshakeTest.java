package io.niotls.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.context.Provider;
import io.niotls.engine.Status;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A peer that sends its ClientHello one byte at a time (a slow link, or a probe for timing) gets a
 * normal handshake: every byte but the last is WANT_READ with nothing written and one buffer held,
 * the last one brings the server's flight, and the rest of the handshake and data dripped byte by
 * byte both ways completes.
 */
class DrippedHandshakeTest {
  private static final int MAX_STEPS = 200_000;

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.niotls.testing.Matrix#providersAndProtocols")
  void aClientHelloDrippedOneByteAtATimeCompletesTheHandshake(Provider provider, String protocol) {
    Provider other = provider == Provider.JDK ? Provider.OPENSSL : Provider.JDK;
    try (Victim server = Victim.server(provider, protocol);
        Victim client = Victim.client(other, protocol)) {
      assertThat(client.handshake()).isEqualTo(Status.WANT_READ);
      byte[] hello = client.output();

      for (int i = 0; i < hello.length - 1; i++) {
        server.feed(new byte[] {hello[i]});
        assertThat(server.handshake())
            .as("after byte %d: %s", i, server.why())
            .isEqualTo(Status.WANT_READ);
        assertThat(server.transport.pendingOutbound()).as("written after byte %d", i).isZero();
        assertThat(server.outstanding()).as("buffers after byte %d", i).isLessThanOrEqualTo(1);
      }
      server.feed(new byte[] {hello[hello.length - 1]});
      assertThat(server.handshake()).isIn(Status.WANT_READ, Status.OK);
      assertThat(server.transport.pendingOutbound()).as("the server's flight").isPositive();

      drip(client, server);

      assertThat(server.engine.session().protocol()).isEqualTo(protocol);
      assertThat(client.engine.session().protocol()).isEqualTo(protocol);
      byte[] request = "dripped request".getBytes(StandardCharsets.US_ASCII);
      assertThat(client.engine.write(ByteBuffer.wrap(request))).isEqualTo(request.length);
      assertThat(dripRead(client, server, request.length)).isEqualTo(request);
    }
  }

  /** Completes both handshakes moving one byte each way per step. */
  private static void drip(Victim client, Victim server) {
    Status c = Status.WANT_READ;
    Status s = Status.WANT_READ;
    for (int step = 0; step < MAX_STEPS; step++) {
      c = client.handshake();
      s = server.handshake();
      assertThat(c.isFatal() || s.isFatal())
          .as("client %s, server %s", client.why(), server.why())
          .isFalse();
      boolean moved = moveOne(client, server) | moveOne(server, client);
      if (c == Status.OK && s == Status.OK && !moved) {
        return;
      }
    }
    throw new AssertionError("handshake did not finish: client " + c + ", server " + s);
  }

  /** Reads {@code length} bytes at {@code to}, moving ciphertext one byte per step. */
  private static byte[] dripRead(Victim from, Victim to, int length) {
    ByteBuffer received = ByteBuffer.allocate(length);
    ByteBuffer dst = ByteBuffer.allocate(1024);
    for (int step = 0; step < MAX_STEPS && received.hasRemaining(); step++) {
      moveOne(from, to);
      int n = to.engine.read(dst);
      if (n > 0) {
        received.put(dst.flip());
        dst.clear();
      } else {
        assertThat(Status.ofCode(n)).as(to.why()).isIn(Status.WANT_READ, Status.WANT_WRITE);
      }
    }
    return received.array();
  }

  private static boolean moveOne(Victim from, Victim to) {
    ByteBuffer one = ByteBuffer.allocate(1);
    if (from.transport.drain(one) == 0) {
      return false;
    }
    to.transport.feed(one.flip());
    return true;
  }
}
