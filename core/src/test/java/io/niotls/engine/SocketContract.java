package io.niotls.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.TlsContext;
import io.niotls.testing.Chunks;
import io.niotls.testing.SocketEnginePair;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The engine over real non-blocking loopback sockets, driven by a selector the way the event loop
 * will drive it: WANT_READ and WANT_WRITE become interest in OP_READ and OP_WRITE.
 */
interface SocketContract extends Contract {
  private SocketEnginePair connect(String protocol, Chunks chunks) throws IOException {
    return new SocketEnginePair(
        peers().clientContext(protocol).build(), peers().serverContext(protocol).build(), chunks);
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("io.niotls.engine.Cases#PROTOCOLS")
  default void handshakeDataAndShutdownOverLoopbackSockets(String protocol) throws IOException {
    try (SocketEnginePair pair = connect(protocol, null)) {
      pair.handshake();
      assertThat(pair.client.session().protocol()).isEqualTo(protocol);

      pair.exchange(1 << 20);
      pair.shutdown();
    }
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("io.niotls.engine.Cases#PROTOCOLS")
  default void oneByteReadsAndWritesOverSocketsStillWork(String protocol) throws IOException {
    try (SocketEnginePair pair = connect(protocol, Chunks.oneByte())) {
      pair.handshake();
      pair.exchange(40_000);
      pair.shutdown();
    }
  }

  @Test
  default void sixtyFourMebibytesEachWayArriveWithMatchingChecksums() throws IOException {
    TlsContext client = peers().clientContext(KeyType.EC_P256).build();
    TlsContext server = peers().serverContext(KeyType.EC_P256).build();
    try (SocketEnginePair pair = new SocketEnginePair(client, server, null)) {
      pair.handshake();
      long started = System.nanoTime();
      pair.exchange(64L << 20);
      long millis = (System.nanoTime() - started) / 1_000_000;
      System.out.printf(
          "%s: 64 MiB each way over loopback (%s) in %d ms%n",
          peers(), pair.client.session().protocol(), millis);
      pair.shutdown();
    }
  }

  @Test
  default void aSocketClosedWithoutCloseNotifyIsReportedAsTruncation() throws IOException {
    try (SocketEnginePair pair = connect("TLSv1.3", null)) {
      pair.handshake();
      ByteBuffer dst = ByteBuffer.allocate(64 * 1024);
      assertThat(pair.server.read(dst)).isEqualTo(Status.WANT_READ.code());
      assertThat(pair.server.write(ByteBuffer.wrap(new byte[1000]))).isEqualTo(1000);
      pair.server.close();

      long deadline = System.nanoTime() + SocketEnginePair.LIMIT.toNanos();
      int received = 0;
      int n;
      do {
        n = pair.client.read(dst.clear());
        received += Math.max(n, 0);
      } while ((n > 0 || n == Status.WANT_READ.code()) && System.nanoTime() < deadline);

      assertThat(received).isEqualTo(1000);
      assertThat(Status.ofCode(n)).isEqualTo(Status.SYSCALL);
      assertThat(pair.client.failure())
          .hasMessage(
              "the peer closed the connection without close_notify: the data may be truncated");
    }
  }
}
