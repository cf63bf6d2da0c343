package io.niotls.channel;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.context.TlsContext;
import io.niotls.engine.Status;
import io.niotls.loop.EchoHandler;
import io.niotls.loop.TlsServer;
import io.niotls.testing.Peers;
import io.niotls.uri.TransportUri;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A non-blocking TlsChannel under a plain Selector loop written here, the way an application with
 * its own selector would use it: every call returns at once, and {@link TlsChannel#needs()} says
 * which readiness to wait for.
 */
@Timeout(60) // a deadlock fails the test instead of hanging the build
class NonBlockingTlsChannelTest {
  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("io.niotls.testing.Peers#pairingsAndProtocols")
  void aNonBlockingClientChannelUnderASelectorHandshakesAndGetsItsBytesEchoed(
      Peers peers, String protocol) throws Exception {
    TlsContext server = peers.serverContext(protocol).build();
    TlsContext client = peers.clientContext(protocol).build();
    byte[] payload = Payloads.random(700_000, 5);
    try (TlsServer s =
            TlsServer.bind(TransportUri.parse("tls://127.0.0.1:0"), server, EchoHandler::new);
        Selector selector = Selector.open();
        SocketChannel socket = SocketChannel.open(s.localAddress())) {
      socket.configureBlocking(false);
      TlsChannel tls = TlsChannel.client(client, socket, "localhost", s.uri().port());
      SelectionKey key = socket.register(selector, 0);

      while (!tls.handshake()) { // on loopback it may also finish within one call
        assertThat(tls.needs()).isIn(Status.WANT_READ, Status.WANT_WRITE);
        await(selector, key, tls);
      }
      assertThat(tls.session().protocol()).isEqualTo(protocol);

      ByteBuffer in = ByteBuffer.allocate(16_384);
      long before = System.nanoTime();
      assertThat(tls.read(in)).as("nothing was sent: read returns 0 at once").isZero();
      assertThat(tls.needs()).isEqualTo(Status.WANT_READ);
      assertThat(System.nanoTime() - before).isLessThan(1_000_000_000L);

      ByteBuffer out = ByteBuffer.wrap(payload);
      ByteArrayOutputStream echoed = new ByteArrayOutputStream();
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (echoed.size() < payload.length) {
        assertThat(System.nanoTime()).as("echo within 20 s").isLessThan(deadline);
        if (out.hasRemaining()) {
          tls.write(out); // takes what the socket lets it, never blocks
        } else {
          tls.flush();
        }
        int n = tls.read(in.clear());
        assertThat(n).as("no close_notify or EOF yet").isNotNegative();
        echoed.write(in.array(), 0, n);
        if (n == 0) {
          int ops = tls.interestOps() | (out.hasRemaining() ? SelectionKey.OP_WRITE : 0);
          key.interestOps(ops == 0 ? SelectionKey.OP_READ : ops);
          selector.select(1_000);
          selector.selectedKeys().clear();
        }
      }
      assertThat(echoed.toByteArray()).isEqualTo(payload);

      while (!tls.shutdown()) {
        await(selector, key, tls);
      }
      tls.close();
      assertThat(socket.isOpen()).isFalse();
    }
  }

  static Stream<Peers> providers() {
    return Stream.of(Peers.JDK_JDK, Peers.OPENSSL_OPENSSL, Peers.BORINGSSL_BORINGSSL);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void theHandshakeDeadlineIsSetByTheFirstCallThatDrivesItAndGoneOnceTheHandshakeIsDone(Peers peers)
      throws Exception {
    TlsContext server = peers.serverContext("TLSv1.3").build();
    TlsContext client = peers.clientContext("TLSv1.3").build();
    // The server end is accepted only after the client's first call, so that call cannot finish
    // the handshake however fast the machine is: a blocking TlsChannel echo, on a thread.
    ExecutorService serverSide = Executors.newSingleThreadExecutor();
    try (ServerSocketChannel listener =
            ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        Selector selector = Selector.open();
        SocketChannel socket = SocketChannel.open(listener.getLocalAddress())) {
      socket.configureBlocking(false);
      TlsChannel tls = TlsChannel.client(client, socket, "localhost", 443);
      SelectionKey key = socket.register(selector, 0);
      assertThat(tls.handshakeDeadline()).as("no call has driven the handshake yet").isZero();

      long before = System.nanoTime();
      boolean done = tls.handshake(); // sends the ClientHello, which nobody reads yet
      long after = System.nanoTime();
      assertThat(done).isFalse();
      Future<?> echo =
          serverSide.submit(
              () -> {
                try (TlsChannel peer = TlsChannel.server(server, listener.accept())) {
                  ByteBuffer got = ByteBuffer.allocate(19);
                  while (got.hasRemaining() && peer.read(got) >= 0) {
                    // until the 19 bytes are in
                  }
                  peer.write(got.flip());
                }
                return null;
              });
      long deadline = tls.handshakeDeadline();
      long timeout = client.handshakeTimeout().toNanos();
      assertThat(deadline)
          .as("the context's handshake timeout after the first call")
          .isBetween(before + timeout, after + timeout);
      assertThat(tls.isHandshakeComplete()).isFalse();

      while (!tls.handshake()) {
        assertThat(tls.handshakeDeadline())
            .as("the same deadline on every call")
            .isEqualTo(deadline);
        await(selector, key, tls);
      }
      assertThat(tls.isHandshakeComplete()).isTrue();
      assertThat(tls.handshakeDeadline())
          .as("an established connection has no deadline left to wake up for")
          .isZero();

      ByteBuffer hello = ByteBuffer.wrap("after the handshake".getBytes(US_ASCII));
      while (hello.hasRemaining() || !tls.flush()) {
        tls.write(hello);
        if (hello.hasRemaining() || tls.needs() == Status.WANT_WRITE) {
          await(selector, key, tls);
        }
      }
      ByteBuffer in = ByteBuffer.allocate(64);
      long end = System.nanoTime() + 10_000_000_000L;
      while (in.position() < 19) {
        assertThat(System.nanoTime()).as("the echo within 10 s").isLessThan(end);
        if (tls.read(in) == 0) {
          await(selector, key, tls);
        }
      }
      assertThat(new String(in.array(), 0, in.position(), US_ASCII))
          .isEqualTo("after the handshake");
      tls.close();
      echo.get(10, TimeUnit.SECONDS);
    } finally {
      serverSide.shutdownNow();
    }
  }

  /** Waits (at most a second) for what the channel needs. */
  private static void await(Selector selector, SelectionKey key, TlsChannel tls) throws Exception {
    int ops = tls.interestOps();
    assertThat(ops).as("a call that did not finish says what it waits for").isNotZero();
    key.interestOps(ops);
    selector.select(1_000);
    selector.selectedKeys().clear();
  }
}
