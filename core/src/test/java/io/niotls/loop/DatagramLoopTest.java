package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.ProviderEngines;
import io.niotls.context.TlsConfigException;
import io.niotls.context.TlsContext;
import io.niotls.datagram.DtlsEngine;
import io.niotls.testing.ChildProcess;
import io.niotls.testing.Contexts;
import io.niotls.testing.TestPki;
import io.niotls.uri.TransportUri;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Datagram sessions on the loop against openssl and raw sockets: dtls:// and udp://. */
class DatagramLoopTest {
  private static final Duration LIMIT = Duration.ofSeconds(20);
  private static TlsEventLoopGroup group;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    group = TlsEventLoopGroup.create(1);
  }

  @AfterAll
  static void stop() {
    group.close();
  }

  static TlsContext clientContext() {
    return Contexts.client(Provider.JDK, KeyType.EC_P256).datagrams().build();
  }

  static TlsContext serverContext() {
    return Contexts.server(Provider.JDK, KeyType.EC_P256).datagrams().build();
  }

  /** Collects what a session receives, as text. */
  static final class Inbox implements DatagramHandler {
    final LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    final boolean echo;

    Inbox(boolean echo) {
      this.echo = echo;
    }

    @Override
    public void onDatagram(DatagramSession session, ByteBuffer datagram) {
      received.add(StandardCharsets.UTF_8.decode(datagram.duplicate()).toString());
      if (echo) {
        session.send(datagram);
      }
    }

    String next() throws InterruptedException {
      return received.poll(LIMIT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  static int freeUdpPort() throws Exception {
    try (DatagramChannel probe = DatagramChannel.open()) {
      probe.bind(new InetSocketAddress("127.0.0.1", 0));
      return ((InetSocketAddress) probe.getLocalAddress()).getPort();
    }
  }

  static ByteBuffer text(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theNiotlsClientTalksDtlsToOpensslServer() throws Exception {
    TestPki pki = TestPki.ec();
    pki.server().writeCertificatePem(dir.resolve("cert.pem"));
    pki.server().writePrivateKeyPem(dir.resolve("key.pem"));
    int port = freeUdpPort();
    try (ChildProcess server =
        ChildProcess.inDirectory(
            dir,
            "openssl",
            "s_server",
            "-dtls1_2",
            "-accept",
            "127.0.0.1:" + port,
            "-cert",
            "cert.pem",
            "-key",
            "key.pem",
            "-naccept",
            "1")) {
      server.await("ACCEPT", LIMIT);
      Inbox inbox = new Inbox(false);
      DatagramSession session =
          DatagramClient.connect(
                  TransportUri.parse("dtls://localhost:" + port),
                  clientContext(),
                  inbox,
                  group,
                  DtlsEngine.DEFAULT_MAX_PACKET)
              .get(LIMIT.toSeconds(), TimeUnit.SECONDS);

      assertThat(session.sslSession().getProtocol()).isEqualTo("DTLSv1.2");
      session.send(text("hello from niotls\n"));
      server.await("hello from niotls", LIMIT);
      server.write("hello from openssl\n");
      assertThat(inbox.next()).isEqualTo("hello from openssl\n");
      session.close();
    }
  }

  @Test
  void opensslClientTalksDtlsToTheNiotlsEchoServerThroughTheCookieExchangeAtASmallMtu()
      throws Exception {
    TestPki.ec().ca().writeCertificatePem(dir.resolve("ca.pem"));
    Inbox inbox = new Inbox(true);
    try (DatagramServer server =
        DatagramServer.bind(
            TransportUri.parse("dtls://127.0.0.1:0"), serverContext(), inbox, group, 600)) {
      try (ChildProcess client =
          ChildProcess.inDirectory(
              dir,
              "openssl",
              "s_client",
              "-dtls1_2",
              "-mtu",
              "600",
              "-connect",
              "127.0.0.1:" + server.localAddress().getPort(),
              "-servername",
              "localhost",
              "-CAfile",
              "ca.pem",
              "-verify_return_error",
              "-quiet")) {
        OutputStream stdin = client.stdin();
        stdin.write("hello loop\n".getBytes(StandardCharsets.US_ASCII));
        stdin.flush();
        client.await("hello loop", LIMIT);
        assertThat(inbox.next()).isEqualTo("hello loop\n");
        assertThat(server.verifyRequests()).isEqualTo(1);
        assertThat(server.sessionCount()).isEqualTo(1);
      }
    }
  }

  @Test
  void gnutlsClientTalksDtlsToTheNiotlsEchoServer() throws Exception {
    TestPki.ec().ca().writeCertificatePem(dir.resolve("ca.pem"));
    Inbox inbox = new Inbox(true);
    try (DatagramServer server =
        DatagramServer.bind(
            TransportUri.parse("dtls://127.0.0.1:0"),
            serverContext(),
            inbox,
            group,
            DtlsEngine.DEFAULT_MAX_PACKET)) {
      try (ChildProcess client =
          ChildProcess.inDirectory(
              dir,
              "gnutls-cli",
              "--udp",
              "--x509cafile",
              "ca.pem",
              "--port",
              String.valueOf(server.localAddress().getPort()),
              "127.0.0.1")) {
        client.await("Handshake was completed", LIMIT);
        OutputStream stdin = client.stdin();
        stdin.write("hello gnutls\n".getBytes(StandardCharsets.US_ASCII));
        stdin.flush();
        client.await("hello gnutls", LIMIT);
        assertThat(inbox.next()).isEqualTo("hello gnutls\n");
        assertThat(server.sessionCount()).isEqualTo(1);
      }
    }
  }

  @Test
  void spoofedClientHellosWithoutACookieAllocateNoSession() throws Exception {
    TlsContext client = clientContext();
    Inbox inbox = new Inbox(true);
    try (DatagramServer server =
            DatagramServer.bind(
                TransportUri.parse("dtls://127.0.0.1:0"),
                serverContext(),
                inbox,
                group,
                DtlsEngine.DEFAULT_MAX_PACKET);
        DatagramChannel spoofer = DatagramChannel.open()) {
      spoofer.bind(new InetSocketAddress("127.0.0.1", 0));
      spoofer.connect(server.localAddress());
      ByteBuffer answer = ByteBuffer.allocate(2048);
      for (int i = 0; i < 50; i++) {
        spoofer.write(clientHello(client));
      }
      int answers = 0;
      long end = System.nanoTime() + LIMIT.toNanos();
      spoofer.configureBlocking(false);
      while (answers < 50 && System.nanoTime() < end) {
        answer.clear();
        if (spoofer.read(answer) > 0) {
          answers++;
          assertThat(answer.get(13)).as("HelloVerifyRequest").isEqualTo((byte) 3);
        } else {
          Thread.sleep(5);
        }
      }

      assertThat(answers).isEqualTo(50);
      assertThat(server.verifyRequests()).isEqualTo(50);
      assertThat(server.sessionCount()).isZero();
    }
  }

  @Test
  void garbageFromUnknownPeersIsDroppedAndAnOversizedWriteIsRefusedNotSplit() throws Exception {
    Inbox echo = new Inbox(true);
    try (DatagramServer server =
            DatagramServer.bind(
                TransportUri.parse("dtls://127.0.0.1:0"),
                serverContext(),
                echo,
                group,
                DtlsEngine.DEFAULT_MAX_PACKET);
        DatagramChannel stranger = DatagramChannel.open()) {
      stranger.connect(server.localAddress());
      stranger.write(text("GET / HTTP/1.1\r\n\r\n"));
      stranger.write(ByteBuffer.allocate(60_000));
      Inbox inbox = new Inbox(false);
      DatagramSession session =
          DatagramClient.connect(
                  TransportUri.parse("dtls://127.0.0.1:" + server.localAddress().getPort()),
                  clientContext(),
                  inbox,
                  group,
                  DtlsEngine.DEFAULT_MAX_PACKET)
              .get(LIMIT.toSeconds(), TimeUnit.SECONDS);

      // a stranger aiming at the client's own port is kept off its connected socket
      try (DatagramChannel other = DatagramChannel.open()) {
        InetSocketAddress clientSide = (InetSocketAddress) sessionLocal(session);
        other.send(text("not from the server"), clientSide);
      }
      session.send(text("ping"));
      assertThat(inbox.next()).isEqualTo("ping");
      assertThat(server.sessionCount()).isEqualTo(1);
      assertThatThrownBy(() -> session.send(ByteBuffer.allocate(session.maxDatagram() + 1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("longer than this session carries");
      session.send(ByteBuffer.allocate(session.maxDatagram()));
      assertThat(inbox.next()).hasSize(session.maxDatagram());
      assertThat(inbox.received).isEmpty();
      session.close();
    }
  }

  @Test
  void udpSessionsCarryPlainDatagramsBothWays() throws Exception {
    Inbox echo = new Inbox(true);
    try (DatagramServer server =
        DatagramServer.bind(TransportUri.parse("udp://127.0.0.1:0"), null, echo, group, 1400)) {
      Inbox inbox = new Inbox(false);
      DatagramSession session =
          DatagramClient.connect(
                  TransportUri.parse("udp://127.0.0.1:" + server.localAddress().getPort()),
                  null,
                  inbox,
                  group,
                  1400)
              .get(LIMIT.toSeconds(), TimeUnit.SECONDS);

      session.send(text("plain"));

      assertThat(inbox.next()).isEqualTo("plain");
      assertThat(echo.next()).isEqualTo("plain");
      assertThat(session.isSecure()).isFalse();
      session.close();
    }
  }

  @Test
  void aStreamSchemeOrAStreamContextIsRefusedByTheDatagramLoop() {
    assertThatThrownBy(
            () ->
                DatagramServer.bind(
                    TransportUri.parse("tls://127.0.0.1:0"), serverContext(), null, group, 1400))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("is a stream");
    assertThatThrownBy(
            () ->
                DatagramServer.bind(
                    TransportUri.parse("dtls://127.0.0.1:0"),
                    Contexts.server(Provider.JDK, KeyType.EC_P256).build(),
                    null,
                    group,
                    1400))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("needs a DTLS context");
    assertThatThrownBy(
            () ->
                TlsServer.bind(
                    TransportUri.parse("dtls://127.0.0.1:0"),
                    serverContext(),
                    EchoHandler::new,
                    ServerOptions.builder().loopCount(1).build()))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("carries datagrams");
  }

  private static java.net.SocketAddress sessionLocal(DatagramSession session) throws Exception {
    return session.localAddress();
  }

  /** A real client's first ClientHello, without a cookie, as a datagram. */
  private static ByteBuffer clientHello(TlsContext context) throws Exception {
    SSLEngine engine = ProviderEngines.newEngine(context, "localhost", 1);
    engine.beginHandshake();
    ByteBuffer out = ByteBuffer.allocate(17 * 1024);
    SSLEngineResult r = engine.wrap(ByteBuffer.allocate(0), out);
    assertThat(r.bytesProduced()).isPositive();
    return out.flip();
  }
}
