package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.engine.Status;
import io.niotls.engine.TlsException;
import io.niotls.testing.Contexts;
import io.niotls.uri.TransportUri;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the network does to a session underneath TLS: a reset (RST) during the handshake and during
 * a transfer either way, and a FIN without close_notify (truncation). The session it happens to
 * closes with a reason that says so, its socket and buffers are freed, nothing escapes into the
 * loop, and the server goes on serving a bystander that was connected all along and new clients.
 */
class PeerFaultTest {
  private static final long LIMIT = 20;

  /** How far the handshake got when the peer reset the connection. */
  enum Stage {
    /** TCP connected, nothing sent. */
    CONNECTED,
    /** Half a ClientHello sent: the server holds a partial record. */
    HALF_HELLO,
    /** A whole ClientHello sent and the server's answer read: the server waits for Finished. */
    WHOLE_HELLO
  }

  @ParameterizedTest(name = "{0}, reset after {1}")
  @CsvSource({
    "JDK,CONNECTED",
    "JDK,HALF_HELLO",
    "JDK,WHOLE_HELLO",
    "OPENSSL,CONNECTED",
    "OPENSSL,HALF_HELLO",
    "OPENSSL,WHOLE_HELLO"
  })
  void aResetDuringTheHandshakeFailsOnlyThatHandshake(Provider provider, Stage stage)
      throws Exception {
    try (Rig rig = new Rig(provider);
        Socket peer = new Socket(InetAddress.getLoopbackAddress(), rig.server.uri().port())) {
      peer.setSoTimeout(20_000);
      byte[] hello = ClientHellos.of(rig.clientContext);
      OutputStream out = peer.getOutputStream();
      switch (stage) {
        case CONNECTED -> {}
        case HALF_HELLO -> out.write(Arrays.copyOf(hello, hello.length / 2));
        case WHOLE_HELLO -> {
          out.write(hello);
          assertThat(peer.getInputStream().read()).as("the ServerHello's first byte").isEqualTo(22);
        }
      }
      ModeHandler victim = rig.nextHandler();
      if (stage == Stage.HALF_HELLO) {
        awaitBuffersHeld(rig.serverContext);
      }
      peer.setSoLinger(true, 0);
      peer.close();

      Recorder.Closed closed = victim.closed.get(LIMIT, TimeUnit.SECONDS);
      assertThat(closed.reason()).isEqualTo(CloseReason.ERROR);
      assertThat(closed.cause())
          .isInstanceOf(TlsException.class)
          .hasMessageContaining("Connection reset");
      assertThat(((TlsException) closed.cause()).status()).isEqualTo(Status.SYSCALL);
      assertThat(victim.opened).isNotDone();
      rig.assertOthersServed(1);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void aResetWhileTheServerSendsClosesOnlyThatSession(Provider provider) throws Exception {
    try (Rig rig = new Rig(provider);
        JdkPeer peer = JdkPeer.connect(rig.server.uri().port(), "TLSv1.3")) {
      peer.tls.getOutputStream().write('S');
      InputStream in = peer.tls.getInputStream();
      byte[] some = in.readNBytes(256 * 1024);
      assertThat(some).hasSize(256 * 1024);
      ModeHandler victim = rig.nextHandler();
      peer.reset();

      Recorder.Closed closed = victim.closed.get(LIMIT, TimeUnit.SECONDS);
      assertThat(closed.reason()).isEqualTo(CloseReason.ERROR);
      assertThat(closed.cause()).hasMessageMatching("(?s).*(Connection reset|Broken pipe).*");
      rig.assertOthersServed(0);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void aResetWhileThePeerSendsClosesOnlyThatSession(Provider provider) throws Exception {
    try (Rig rig = new Rig(provider);
        JdkPeer peer = JdkPeer.connect(rig.server.uri().port(), "TLSv1.3")) {
      OutputStream out = peer.tls.getOutputStream();
      out.write('U');
      byte[] chunk = new byte[64 * 1024];
      for (int i = 0; i < 16; i++) {
        out.write(chunk);
      }
      ModeHandler victim = rig.nextHandler();
      awaitReceived(victim, 1 + 16 * chunk.length);
      out.write(chunk); // in flight, or in the server's socket buffer, when the reset comes
      peer.reset();

      Recorder.Closed closed = victim.closed.get(LIMIT, TimeUnit.SECONDS);
      assertThat(closed.reason()).isEqualTo(CloseReason.ERROR);
      assertThat(closed.cause()).hasMessageContaining("Connection reset");
      rig.assertOthersServed(0);
    }
  }

  @ParameterizedTest(name = "{0} server, {1}")
  @CsvSource({"JDK,TLSv1.3", "JDK,TLSv1.2", "OPENSSL,TLSv1.3", "OPENSSL,TLSv1.2"})
  void aFinWithoutCloseNotifyAfterDataIsReportedAsTruncated(Provider provider, String protocol)
      throws Exception {
    try (Rig rig = new Rig(provider);
        JdkPeer peer = JdkPeer.connect(rig.server.uri().port(), protocol)) {
      byte[] upload = "Uthe last words".getBytes(StandardCharsets.US_ASCII);
      peer.tls.getOutputStream().write(upload);
      peer.tls.getOutputStream().flush();
      ModeHandler victim = rig.nextHandler();
      awaitReceived(victim, upload.length);
      peer.finWithoutCloseNotify();

      Recorder.Closed closed = victim.closed.get(LIMIT, TimeUnit.SECONDS);
      assertThat(closed.reason()).isEqualTo(CloseReason.TRUNCATED);
      assertThat(closed.cause())
          .isInstanceOf(TlsException.class)
          .hasMessageContaining("without close_notify");
      assertThat(victim.received()).isEqualTo(upload);
      rig.assertOthersServed(0);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void aFinDuringTheHandshakeIsReportedAsTruncated(Provider provider) throws Exception {
    try (Rig rig = new Rig(provider);
        Socket peer = new Socket(InetAddress.getLoopbackAddress(), rig.server.uri().port())) {
      byte[] hello = ClientHellos.of(rig.clientContext);
      peer.getOutputStream().write(Arrays.copyOf(hello, hello.length / 2));
      ModeHandler victim = rig.nextHandler();
      peer.shutdownOutput();

      Recorder.Closed closed = victim.closed.get(LIMIT, TimeUnit.SECONDS);
      assertThat(closed.reason()).isEqualTo(CloseReason.TRUNCATED);
      assertThat(closed.cause()).hasMessageContaining("during the handshake");
      rig.assertOthersServed(1);
    }
  }

  @ParameterizedTest(name = "{0} client, {1}")
  @CsvSource({"JDK,TLSv1.3", "JDK,TLSv1.2", "OPENSSL,TLSv1.3", "OPENSSL,TLSv1.2"})
  void aClientReportsAServersFinWithoutCloseNotifyAsTruncated(Provider provider, String protocol)
      throws Exception {
    TlsContext clientContext = Contexts.client(provider, KeyType.EC_P256).build();
    try (LoopWatch watch = new LoopWatch();
        ServerSocket listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        TlsClient client = TlsClient.create(ClientOptions.builder().loopCount(1).build())) {
      Recorder recorder = new Recorder();
      client.connect(
          TransportUri.parse("tls://localhost:" + listener.getLocalPort()),
          clientContext,
          recorder);
      try (JdkPeer server = JdkPeer.accept(listener, protocol)) {
        recorder.opened.get(LIMIT, TimeUnit.SECONDS);
        server.tls.getOutputStream().write("half a stor".getBytes(StandardCharsets.US_ASCII));
        server.tls.getOutputStream().flush();
        awaitReceived(recorder, 11);
        server.finWithoutCloseNotify();

        Recorder.Closed closed = recorder.closed.get(LIMIT, TimeUnit.SECONDS);
        assertThat(closed.reason()).isEqualTo(CloseReason.TRUNCATED);
        assertThat(closed.cause()).hasMessageContaining("without close_notify");
        assertThat(new String(recorder.received(), StandardCharsets.US_ASCII))
            .isEqualTo("half a stor");
      }
      assertThat(awaitOutstanding(clientContext)).isZero();
      watch.assertNothingEscaped();
    }
  }

  /**
   * A server with a {@link ModeHandler} per session, a client, and a bystander session opened first
   * that must outlive whatever happens to the others.
   */
  static final class Rig implements AutoCloseable {
    final LoopWatch watch = new LoopWatch();
    final TlsContext serverContext;
    final TlsContext clientContext;
    final Handlers<ModeHandler> handlers = new Handlers<>(ModeHandler::new);
    final TlsServer server;
    final TlsClient client;
    final Recorder bystander = new Recorder();
    final TlsSession bystanderSession;

    Rig(Provider provider) throws Exception {
      serverContext = Contexts.server(provider, KeyType.EC_P256).build();
      clientContext = Contexts.client(provider, KeyType.EC_P256).build();
      server = TlsServer.bind(TransportUri.parse("tls://127.0.0.1:0"), serverContext, handlers);
      client = TlsClient.create(ClientOptions.builder().loopCount(1).build());
      bystanderSession =
          client.connect(server.uri(), clientContext, bystander).get(LIMIT, TimeUnit.SECONDS);
      handlers.made.poll(LIMIT, TimeUnit.SECONDS); // the bystander's
    }

    /** The handler of the next session the server accepts. */
    ModeHandler nextHandler() throws InterruptedException {
      ModeHandler h = handlers.made.poll(LIMIT, TimeUnit.SECONDS);
      assertThat(h).as("the server accepted the connection").isNotNull();
      return h;
    }

    /**
     * The bystander still echoes, every loop serves a new client, the failed session's buffers are
     * back in the pool, nothing escaped; {@code failedHandshakes} is what the server counted.
     */
    void assertOthersServed(int failedHandshakes) throws Exception {
      byte[] ping = "Eping".getBytes(StandardCharsets.US_ASCII);
      assertThat(bystanderSession.write(ByteBuffer.wrap(ping))).isTrue();
      awaitReceived(bystander, ping.length);
      assertThat(bystander.received()).isEqualTo(ping);
      assertThat(bystander.closed).isNotDone();
      LoopWatch.serves(server, clientContext);
      ServerStats stats = server.stats();
      assertThat(stats.handshakesFailed()).isEqualTo(failedHandshakes);
      assertThat(awaitOutstanding(serverContext)).as("server buffers in use").isZero();
      watch.assertNothingEscaped();
    }

    @Override
    public void close() {
      try {
        client.close();
        server.close();
      } finally {
        watch.close();
      }
    }
  }

  static void awaitReceived(Recorder recorder, int bytes) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIMIT);
    while (recorder.received().length < bytes && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(recorder.received().length).as("bytes received").isGreaterThanOrEqualTo(bytes);
  }

  /** Waits (bounded) for a pool to have no buffer out, and returns what is out then. */
  static long awaitOutstanding(TlsContext context) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (context.bufferPool().outstanding() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    return context.bufferPool().outstanding();
  }

  /** Waits until the server holds a buffer for a partial record. */
  private static void awaitBuffersHeld(TlsContext context) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIMIT);
    while (context.bufferPool().outstanding() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(context.bufferPool().outstanding()).as("a partial record held").isPositive();
  }
}
