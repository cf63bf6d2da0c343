package io.niotls.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.engine.Status;
import io.niotls.engine.TlsEngine;
import io.niotls.testing.ChildProcess;
import io.niotls.testing.Contexts;
import io.niotls.testing.TestPki;
import io.niotls.transport.SocketTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code openssl s_client -sess_out} then {@code -sess_in} against a server that never writes a
 * byte of data, on each provider: the first client gets its session (TLS 1.3: a NewSessionTicket,
 * sent with the server's handshake), closes, and the second reports {@code Reused}. BoringSSL holds
 * a TLS 1.3 server's tickets until its first write: the BORINGSSL driver and, for Netty's engine,
 * the OPENSSL driver release them when the handshake ends; without that such a client got none.
 */
class ShortLivedClientResumptionInteropTest {
  private static final Duration LIMIT = Duration.ofSeconds(20);

  @TempDir Path dir;

  private static String flag(String protocol) {
    return "TLSv1.3".equals(protocol) ? "-tls1_3" : "-tls1_2";
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "BORINGSSL, TLSv1.3",
    "BORINGSSL, TLSv1.2",
    "OPENSSL, TLSv1.3",
    "OPENSSL, TLSv1.2",
    "JDK, TLSv1.3",
    "JDK, TLSv1.2"
  })
  void opensslResumesTheSessionOfAConnectionThatOnlyHandshook(Provider provider, String protocol)
      throws Exception {
    TestPki.ec().ca().writeCertificatePem(dir.resolve("ca.pem"));
    TlsContext context = Contexts.server(provider, KeyType.EC_P256).protocols(protocol).build();
    Path session = dir.resolve("session.pem");
    try (ServerSocketChannel listener =
        ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
      int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();

      try (ChildProcess first = client(port, protocol, "-sess_out")) {
        boolean resumed = serve(listener, context, first, session);
        assertThat(resumed).as("the first connection resumed").isFalse();
        assertThat(first.exited(LIMIT)).isTrue();
        assertThat(first.out().lines()).anyMatch(line -> line.startsWith("New, TLSv1."));
      }

      try (ChildProcess second = client(port, protocol, "-sess_in")) {
        boolean resumed = serve(listener, context, second, null);
        assertThat(resumed).as("niotls says the second connection resumed").isTrue();
        assertThat(second.exited(LIMIT)).isTrue();
        assertThat(second.out().lines())
            .as("what openssl s_client said")
            .anyMatch(line -> line.startsWith("Reused, " + protocol));
      }
    } finally {
      context.close();
    }
  }

  private ChildProcess client(int port, String protocol, String sessionFlag) throws IOException {
    return ChildProcess.inDirectory(
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
        sessionFlag,
        "session.pem");
  }

  /**
   * Accepts one connection and handshakes; when {@code session} is given, waits until openssl has
   * written it (without a byte of data from us), then closes openssl's input: it sends
   * close_notify, and we answer. Returns whether the handshake resumed.
   */
  private static boolean serve(
      ServerSocketChannel listener, TlsContext context, ChildProcess client, Path session)
      throws Exception {
    SocketChannel channel = listener.accept();
    channel.configureBlocking(false);
    TlsEngine engine = TlsEngine.server(context, new SocketTransport(channel));
    try (Blocking io = new Blocking(engine, channel, LIMIT)) {
      assertThat(io.handshake()).as("handshake: %s", engine.failure()).isEqualTo(Status.OK);
      if (session != null) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!(Files.exists(session) && Files.size(session) > 0)
            && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        assertThat(session).as("openssl wrote the session it got").isNotEmptyFile();
      }
      client.endInput(); // s_client sends close_notify at the end of its input
      ByteBuffer rest = ByteBuffer.allocate(1024);
      assertThat(io.call(() -> engine.read(rest))).isEqualTo(Status.ZERO_RETURN.code());
      assertThat(io.shutdown()).isEqualTo(Status.DONE);
      return engine.session().resumed();
    } finally {
      engine.close();
    }
  }
}
