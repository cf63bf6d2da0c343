package io.niotls.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.context.TlsContext;
import io.niotls.engine.TlsException;
import io.niotls.testing.Peers;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Streams over a blocking TlsChannel, and how a connection ends: the peer's close_notify is -1, a
 * stream cut without it is a TRUNCATED failure, a silent peer runs into the handshake deadline.
 */
@Timeout(60) // a deadlock fails the test instead of hanging the build
class TlsChannelEndsTest {
  static Stream<Peers> pairings() {
    return Peers.pairings();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tls13Clients")
  void closeWhileAWriterIsStuckOnAFullSocketReturnsWithinTheCloseTimeout(Peers peers)
      throws Exception {
    TlsContext server = peers.serverContext("TLSv1.3").build();
    TlsContext client = peers.clientContext("TLSv1.3").closeTimeout(Duration.ofMillis(500)).build();
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try (ServerSocketChannel listener =
            ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        SocketChannel socket = SocketChannel.open(listener.getLocalAddress())) {
      // the server handshakes, then reads nothing: the client's writes fill both socket buffers
      CountDownLatch stopReading = new CountDownLatch(1);
      Future<?> silent =
          threads.submit(
              () -> {
                try (TlsChannel peer = TlsChannel.server(server, listener.accept())) {
                  peer.handshake();
                  stopReading.await(20, TimeUnit.SECONDS);
                }
                return null;
              });
      TlsChannel tls = TlsChannel.client(client, socket, "localhost", 443);
      tls.handshake();
      Future<?> writer =
          threads.submit(
              () -> {
                ByteBuffer chunk = ByteBuffer.allocate(1 << 16);
                for (int i = 0; i < 4096; i++) { // 256 MiB: far more than the buffers take
                  tls.write(chunk.clear());
                }
                return null;
              });
      Thread.sleep(500); // the writer is blocked on the full socket by now

      long before = System.nanoTime();
      tls.close();
      long tookMillis = (System.nanoTime() - before) / 1_000_000;

      assertThat(tookMillis).as("close() is bounded by the close timeout").isLessThan(3_000);
      assertThatThrownBy(() -> writer.get(10, TimeUnit.SECONDS))
          .as("the stuck writer is told its bytes did not all go")
          .isInstanceOf(ExecutionException.class);
      stopReading.countDown();
      silent.get(10, TimeUnit.SECONDS);
    } finally {
      threads.shutdownNow();
    }
  }

  static Stream<Peers> tls13Clients() {
    return Stream.of(Peers.JDK_JDK, Peers.BORINGSSL_BORINGSSL, Peers.OPENSSL_OPENSSL);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pairings")
  void anInputStreamAndAnOutputStreamFromChannelsCarryALineEachWay(Peers peers) throws Exception {
    TlsContext server = peers.serverContext("TLSv1.3").build();
    TlsContext client = peers.clientContext("TLSv1.3").build();
    try (ChannelServer s =
            new ChannelServer(
                server,
                ch -> {
                  InputStream in = Channels.newInputStream(ch);
                  OutputStream out = Channels.newOutputStream(ch);
                  String line = new String(in.readNBytes(6), StandardCharsets.US_ASCII);
                  out.write(("got " + line).getBytes(StandardCharsets.US_ASCII));
                  return in.read(); // -1 at the client's close_notify
                });
        TlsChannel tls =
            TlsChannel.client(client, SocketChannel.open(s.address()), "localhost", s.port())) {
      OutputStream out = Channels.newOutputStream(tls);
      InputStream in = Channels.newInputStream(tls);
      out.write("hello\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(new String(in.readNBytes(10), StandardCharsets.US_ASCII)).isEqualTo("got hello\n");
      in.close(); // closes the channel: close_notify
      assertThat(s.result(0).get(10, TimeUnit.SECONDS)).isEqualTo(-1);
      assertThat(tls.isOpen()).isFalse();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pairings")
  void thePeersCloseNotifyIsMinusOneAfterItsLastBytes(Peers peers) throws Exception {
    TlsContext server = peers.serverContext("TLSv1.2").build();
    TlsContext client = peers.clientContext("TLSv1.2").build();
    try (ChannelServer s =
            new ChannelServer(
                server,
                ch -> {
                  ch.write(ByteBuffer.wrap("bye".getBytes(StandardCharsets.US_ASCII)));
                  ch.close(); // close_notify, then the socket
                  return null;
                });
        TlsChannel tls =
            TlsChannel.client(client, SocketChannel.open(s.address()), "localhost", s.port())) {
      ByteBuffer in = ByteBuffer.allocate(100);
      while (in.position() < 3) {
        assertThat(tls.read(in)).isPositive();
      }
      assertThat(new String(in.array(), 0, 3, StandardCharsets.US_ASCII)).isEqualTo("bye");
      assertThat(tls.read(in)).isEqualTo(-1);
      assertThat(tls.read(in)).as("and stays -1").isEqualTo(-1);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pairings")
  void aPeerThatClosesTcpWithoutCloseNotifyIsATruncationNotMinusOne(Peers peers) throws Exception {
    TlsContext server = peers.serverContext("TLSv1.3").build();
    TlsContext client = peers.clientContext("TLSv1.3").build();
    try (ChannelServer s =
            new ChannelServer(
                server,
                ch -> {
                  ch.write(ByteBuffer.wrap("partial".getBytes(StandardCharsets.US_ASCII)));
                  ch.underlying().close(); // FIN, no close_notify
                  return null;
                });
        TlsChannel tls =
            TlsChannel.client(client, SocketChannel.open(s.address()), "localhost", s.port())) {
      ByteBuffer in = ByteBuffer.allocate(100);
      while (in.position() < 7) {
        assertThat(tls.read(in)).isPositive();
      }
      assertThatThrownBy(() -> tls.read(in))
          .isInstanceOfSatisfying(
              TlsException.class, e -> assertThat(e.kind()).isEqualTo(TlsException.Kind.TRUNCATED))
          .hasMessageContaining("without close_notify");
      assertThatThrownBy(() -> tls.read(in))
          .as("and stays a truncation")
          .isInstanceOf(TlsException.class);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pairings")
  void aBlockingHandshakeWithASilentPeerEndsAtItsDeadlineSayingSo(Peers peers) throws Exception {
    TlsContext client =
        peers.clientContext("TLSv1.3").handshakeTimeout(Duration.ofMillis(700)).build();
    try (ServerSocket silent = new ServerSocket()) {
      silent.bind(new InetSocketAddress("127.0.0.1", 0));
      SocketChannel socket = SocketChannel.open(silent.getLocalSocketAddress());
      try (Socket accepted = silent.accept();
          TlsChannel tls = TlsChannel.client(client, socket, "localhost", silent.getLocalPort())) {
        long start = System.nanoTime();
        assertThatThrownBy(tls::handshake)
            .isInstanceOfSatisfying(
                TlsException.class, e -> assertThat(e.kind()).isEqualTo(TlsException.Kind.TIMEOUT))
            .hasMessageContaining("700 ms")
            .hasMessageContaining("handshakeTimeout");
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(tookMs).isBetween(600L, 3_000L);
        assertThat(socket.isOpen()).as("the socket is closed at the deadline").isFalse();
        assertThat(accepted.getInputStream().readAllBytes())
            .as("the peer saw our ClientHello and then the end")
            .isNotEmpty();
        assertThatThrownBy(() -> tls.read(ByteBuffer.allocate(1)))
            .as("later calls say the same")
            .isInstanceOfSatisfying(
                TlsException.class, e -> assertThat(e.kind()).isEqualTo(TlsException.Kind.TIMEOUT));
      }
    }
  }
}
