package io.niotls.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.engine.Status;
import io.niotls.engine.TlsEngine;
import io.niotls.testing.ChildProcess;
import io.niotls.testing.Contexts;
import io.niotls.testing.Matrix;
import io.niotls.testing.OpensslServerProcess;
import io.niotls.testing.TestPki;
import io.niotls.transport.SocketTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine against a real, independent TLS stack: the {@code openssl} command line, as client of
 * an {@code s_server} and as server of an {@code s_client}, on 127.0.0.1, every provider (BoringSSL
 * driven directly too), both protocol versions.
 */
class OpensslPeerTest {
  private static final Duration LIMIT = Duration.ofSeconds(20);

  static Stream<Arguments> providersAndProtocols() {
    return Matrix.providersAndProtocols();
  }

  @TempDir Path dir;

  private static String flag(String protocol) {
    return "TLSv1.3".equals(protocol) ? "-tls1_3" : "-tls1_2";
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("providersAndProtocols")
  void engineAsClientTalksToOpensslServer(Provider provider, String protocol) throws Exception {
    TestPki pki = TestPki.ec();
    pki.server().writeCertificatePem(dir.resolve("cert.pem"));
    pki.server().writePrivateKeyPem(dir.resolve("key.pem"));
    TlsContext context = Contexts.client(provider, KeyType.EC_P256).protocols(protocol).build();
    try (OpensslServerProcess server =
        OpensslServerProcess.start(
            dir, 1, "-cert", "cert.pem", "-key", "key.pem", flag(protocol), "-rev")) {
      int port = server.port();
      SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
      channel.configureBlocking(false);
      TlsEngine engine = TlsEngine.client(context, new SocketTransport(channel), "localhost", port);
      try (Blocking io = new Blocking(engine, channel, LIMIT)) {
        assertThat(io.handshake()).as("handshake: %s", engine.failure()).isEqualTo(Status.OK);
        assertThat(engine.session().protocol()).isEqualTo(protocol);
        assertThat(engine.session().peerFingerprint()).isEqualTo(pki.server().sha256());

        ByteBuffer line =
            ByteBuffer.wrap("niotls says hello\n".getBytes(StandardCharsets.US_ASCII));
        while (line.hasRemaining()) {
          assertThat(io.call(() -> engine.write(line))).isPositive();
        }
        assertThat(readLine(io, engine)).isEqualTo("olleh syas sltoin");
        assertThat(io.shutdown()).isIn(Status.SENT, Status.DONE);
      } finally {
        engine.close();
      }
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("providersAndProtocols")
  void engineAsServerTalksToOpensslClient(Provider provider, String protocol) throws Exception {
    TestPki pki = TestPki.ec();
    pki.ca().writeCertificatePem(dir.resolve("ca.pem"));
    TlsContext context = Contexts.server(provider, KeyType.EC_P256).protocols(protocol).build();
    try (ServerSocketChannel listener =
        ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
      int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
      try (ChildProcess client =
          ChildProcess.inDirectory(
              dir,
              "openssl",
              "s_client",
              "-connect",
              "127.0.0.1:" + port,
              "-servername",
              "localhost",
              "-CAfile",
              "ca.pem",
              "-verify_return_error",
              flag(protocol),
              "-quiet",
              "-no_ign_eof")) {
        SocketChannel channel = listener.accept();
        channel.configureBlocking(false);
        TlsEngine engine = TlsEngine.server(context, new SocketTransport(channel));
        try (Blocking io = new Blocking(engine, channel, LIMIT)) {
          assertThat(io.handshake()).as("handshake: %s", engine.failure()).isEqualTo(Status.OK);
          assertThat(engine.session().protocol()).isEqualTo(protocol);
          assertThat(engine.session().serverName()).isEqualTo("localhost");

          client.stdin().write("ping from openssl\n".getBytes(StandardCharsets.US_ASCII));
          client.stdin().flush();
          String received = readLine(io, engine);
          assertThat(received).isEqualTo("ping from openssl");
          ByteBuffer reply =
              ByteBuffer.wrap("pong from niotls\n".getBytes(StandardCharsets.US_ASCII));
          while (reply.hasRemaining()) {
            assertThat(io.call(() -> engine.write(reply))).isPositive();
          }
          client.await("pong from niotls", LIMIT);

          client.stdin().close(); // s_client sends close_notify at end of input
          ByteBuffer rest = ByteBuffer.allocate(1024);
          assertThat(io.call(() -> engine.read(rest))).isEqualTo(Status.ZERO_RETURN.code());
          assertThat(io.shutdown()).isEqualTo(Status.DONE);
        } finally {
          engine.close();
        }
      }
    }
  }

  private static String readLine(Blocking io, TlsEngine engine) throws IOException {
    StringBuilder text = new StringBuilder();
    ByteBuffer buffer = ByteBuffer.allocate(4096);
    while (text.indexOf("\n") < 0) {
      int n = io.call(() -> engine.read(buffer));
      assertThat(n).as("read: %s %s", engine.status(), engine.failure()).isPositive();
      text.append(new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII));
      buffer.clear();
    }
    return text.substring(0, text.indexOf("\n"));
  }
}
