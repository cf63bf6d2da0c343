package io.niotls.channel;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.engine.Status;
import io.niotls.engine.TlsException;
import io.niotls.testing.Contexts;
import io.niotls.testing.SelectorDriver;
import io.niotls.testing.SocketPair;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link TlsChannel#stopTls()} between two channels on a loopback socket pair: non-blocking under a
 * selector, both sides stopping at once, and the ways a stop can fail (the peer closes TCP, or
 * never answers).
 */
@Timeout(60) // a deadlock fails the test instead of hanging the build
class TlsChannelStopTest {

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.niotls.testing.Matrix#providersAndProtocols")
  void twoNonBlockingChannelsStopTlsAtOnceAndExchangePlaintextUnderASelector(
      Provider provider, String protocol) throws Exception {
    TlsContext client = Contexts.client(provider, KeyType.EC_P256).protocols(protocol).build();
    TlsContext server = Contexts.server(provider, KeyType.EC_P256).protocols(protocol).build();
    try (SocketPair sockets = SocketPair.open();
        TlsChannel c = TlsChannel.client(client, sockets.client, "localhost", sockets.port());
        TlsChannel s = TlsChannel.server(server, sockets.server)) {
      Side clientSide = new Side(c, "client");
      Side serverSide = new Side(s, "server");
      SelectorDriver.run(
          Duration.ofSeconds(20),
          new SelectorDriver.Party(sockets.client, clientSide),
          new SelectorDriver.Party(sockets.server, serverSide));
      assertThat(clientSide.heard).isEqualTo("tls from server\nplain from server\n");
      assertThat(serverSide.heard).isEqualTo("tls from client\nplain from client\n");
      assertThat(c.isPlaintext()).isTrue();
      assertThat(s.isPlaintext()).isTrue();
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.niotls.testing.Matrix#providersAndProtocols")
  void aPeerThatClosesTcpInsteadOfSendingCloseNotifyFailsTheStopWithAnIoException(
      Provider provider, String protocol) throws Exception {
    TlsContext client = Contexts.client(provider, KeyType.EC_P256).protocols(protocol).build();
    // the rude peer on SunJSSE, whose engine never answers a close_notify by itself (Netty's
    // does, on TLS 1.3, once it has written anything after its handshake: its tickets)
    TlsContext server = Contexts.server(Provider.JDK, KeyType.EC_P256).protocols(protocol).build();
    try (SocketPair sockets = SocketPair.open()) {
      sockets.client.configureBlocking(true);
      sockets.server.configureBlocking(true);
      TlsChannel s = TlsChannel.server(server, sockets.server);
      CompletableFuture<Void> peer =
          CompletableFuture.runAsync(
              () -> {
                try {
                  s.handshake();
                  s.read(ByteBuffer.allocate(16)); // our close_notify: -1
                  sockets.server.close(); // TCP FIN, no close_notify of its own
                } catch (IOException e) {
                  throw new RuntimeException(e);
                }
              });
      try (TlsChannel c = TlsChannel.client(client, sockets.client, "localhost", sockets.port())) {
        c.handshake();
        assertThatThrownBy(c::stopTls)
            .isInstanceOf(IOException.class)
            .hasMessageContaining(
                "closed the TCP connection instead of answering with close_notify")
            .cause()
            .isInstanceOf(TlsException.class)
            .extracting(e -> ((TlsException) e).kind())
            .isEqualTo(TlsException.Kind.TRUNCATED);
        assertThat(c.isPlaintext()).isFalse();
      }
      peer.get(20, TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.niotls.testing.Matrix#providersAndProtocols")
  void aBlockingStopWaitsForThePeersCloseNotifyNoLongerThanTheCloseTimeout(
      Provider provider, String protocol) throws Exception {
    TlsContext client =
        Contexts.client(provider, KeyType.EC_P256)
            .protocols(protocol)
            .closeTimeout(Duration.ofMillis(300))
            .build();
    TlsContext server = Contexts.server(provider, KeyType.EC_P256).protocols(protocol).build();
    try (SocketPair sockets = SocketPair.open()) {
      sockets.client.configureBlocking(true);
      sockets.server.configureBlocking(true);
      TlsChannel s = TlsChannel.server(server, sockets.server);
      CompletableFuture<Void> peer =
          CompletableFuture.runAsync(
              () -> {
                try {
                  s.handshake(); // then silent: reads nothing, answers nothing
                } catch (IOException e) {
                  throw new RuntimeException(e);
                }
              });
      try (TlsChannel c = TlsChannel.client(client, sockets.client, "localhost", sockets.port())) {
        c.handshake();
        peer.get(20, TimeUnit.SECONDS);
        long start = System.nanoTime();
        assertThatThrownBy(c::stopTls)
            .isInstanceOf(IOException.class)
            .hasMessageContaining("close_notify did not come within PT0.3S");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(c.isOpen()).isFalse();
      } finally {
        s.close();
      }
    }
  }

  /** One channel's side: TLS line out and in, stopTls, plaintext line out and in. */
  private static final class Side implements SelectorDriver.Actor {
    private final TlsChannel tls;
    private final ByteBuffer tlsLine;
    private final ByteBuffer plainLine;
    private final ByteBuffer in = ByteBuffer.allocate(256);
    String heard = "";
    private int step;

    Side(TlsChannel tls, String name) {
      this.tls = tls;
      this.tlsLine = ByteBuffer.wrap(("tls from " + name + "\n").getBytes(US_ASCII));
      this.plainLine = ByteBuffer.wrap(("plain from " + name + "\n").getBytes(US_ASCII));
    }

    @Override
    public int step() throws IOException {
      while (true) {
        switch (step) {
          case 0, 3 -> { // write a line: TLS, then plaintext
            ByteBuffer line = step == 0 ? tlsLine : plainLine;
            tls.write(line);
            if (line.hasRemaining() || !tls.flush()) {
              return tls.interestOps();
            }
            step++;
          }
          case 1, 4 -> { // read the peer's line
            int n = tls.read(in);
            assertThat(n).as("the stream goes on").isNotNegative();
            if (n == 0) {
              return tls.interestOps();
            }
            String text = new String(in.array(), 0, in.position(), US_ASCII);
            if (text.endsWith("\n")) {
              heard += text;
              in.clear();
              step++;
            }
          }
          case 2 -> {
            if (!tls.stopTls()) {
              assertThat(tls.needs()).isIn(Status.WANT_READ, Status.WANT_WRITE);
              return tls.interestOps();
            }
            step++;
          }
          default -> {
            return SelectorDriver.DONE;
          }
        }
      }
    }
  }
}
