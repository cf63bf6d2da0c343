package io.niotls.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.channel.TlsChannel;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.ChildProcess;
import io.niotls.testing.Contexts;
import io.niotls.testing.OpensslServerProcess;
import io.niotls.testing.TestPki;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A blocking {@link TlsChannel} against independent TLS stacks on 127.0.0.1: {@code openssl
 * s_server -rev}, and Python's {@code ssl} module as server and as client (which fails on a ragged
 * EOF, so it tells whether our close_notify came). Both providers, TLS 1.3 and 1.2.
 */
@Timeout(60) // a deadlock fails the test instead of hanging the build
class TlsChannelPeerTest {
  private static final Duration LIMIT = Duration.ofSeconds(20);
  private static final String PYTHON = "/usr/bin/python3";

  @TempDir Path dir;

  private static final String PYTHON_SERVER =
      String.join(
          "\n",
          "import socket, ssl, sys",
          "version = getattr(ssl.TLSVersion, sys.argv[1])",
          "ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)",
          "ctx.options &= ~ssl.OP_IGNORE_UNEXPECTED_EOF  # else a bare EOF reads as b''",
          "ctx.minimum_version = ctx.maximum_version = version",
          "ctx.load_cert_chain('cert.pem', 'key.pem')",
          "with socket.create_server(('127.0.0.1', 0)) as listener:",
          "    listener.settimeout(20)",
          "    print('PORT', listener.getsockname()[1], flush=True)",
          "    conn, _ = listener.accept()",
          "    conn.settimeout(20)",
          "    with ctx.wrap_socket(conn, server_side=True, suppress_ragged_eofs=False) as tls:",
          "        print('VERSION', tls.version(), flush=True)",
          "        data = b''",
          "        while not data.endswith(b'\\n'):",
          "            data += tls.recv(4096)",
          "        tls.sendall(b'python heard: ' + data)",
          "        rest = tls.recv(4096)  # b'' only at close_notify: a bare EOF raises",
          "        print('END', repr(rest), flush=True)",
          "");

  private static final String PYTHON_CLIENT =
      String.join(
          "\n",
          "import socket, ssl, sys",
          "version = getattr(ssl.TLSVersion, sys.argv[2])",
          "ctx = ssl.create_default_context(cafile='ca.pem')",
          "ctx.options &= ~ssl.OP_IGNORE_UNEXPECTED_EOF  # else a bare EOF reads as b''",
          "ctx.minimum_version = ctx.maximum_version = version",
          "with socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=20) as raw:",
          "    with ctx.wrap_socket(raw, server_hostname='localhost',"
              + " suppress_ragged_eofs=False) as tls:",
          "        print('VERSION', tls.version(), flush=True)",
          "        tls.sendall(b'ping from python\\n')",
          "        data = b''",
          "        while not data.endswith(b'\\n'):",
          "            data += tls.recv(4096)",
          "        print('REPLY', data.decode().strip(), flush=True)",
          "        rest = tls.recv(4096)  # b'' only at close_notify: a bare EOF raises",
          "        print('END', repr(rest), flush=True)",
          "");

  private static String pythonVersion(String protocol) {
    return protocol.replace('.', '_'); // TLSv1.3 -> TLSv1_3, ssl.TLSVersion's name
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.niotls.testing.Matrix#providersAndProtocols")
  void aBlockingClientChannelGetsItsLineReversedByOpensslSServer(Provider provider, String protocol)
      throws Exception {
    TestPki pki = TestPki.ec();
    pki.server().writeCertificatePem(dir.resolve("cert.pem"));
    pki.server().writePrivateKeyPem(dir.resolve("key.pem"));
    TlsContext context = Contexts.client(provider, KeyType.EC_P256).protocols(protocol).build();
    try (OpensslServerProcess server =
        OpensslServerProcess.start(
            dir,
            1,
            "-cert",
            "cert.pem",
            "-key",
            "key.pem",
            "TLSv1.3".equals(protocol) ? "-tls1_3" : "-tls1_2",
            "-rev")) {
      int port = server.port();
      try (TlsChannel tls =
          TlsChannel.client(
              context,
              SocketChannel.open(new InetSocketAddress("127.0.0.1", port)),
              "localhost",
              port)) {
        tls.write(ByteBuffer.wrap("niotls channel\n".getBytes(StandardCharsets.US_ASCII)));
        assertThat(readLine(tls)).isEqualTo("lennahc sltoin");
        assertThat(tls.session().protocol()).isEqualTo(protocol);
        assertThat(tls.session().peerFingerprint()).isEqualTo(pki.server().sha256());
      }
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.niotls.testing.Matrix#providersAndProtocols")
  void aBlockingClientChannelTalksToPythonsSslServerAndEndsWithCloseNotify(
      Provider provider, String protocol) throws Exception {
    TestPki pki = TestPki.ec();
    pki.server().writeCertificatePem(dir.resolve("cert.pem"));
    pki.server().writePrivateKeyPem(dir.resolve("key.pem"));
    Files.writeString(dir.resolve("server.py"), PYTHON_SERVER);
    TlsContext context = Contexts.client(provider, KeyType.EC_P256).protocols(protocol).build();
    try (ChildProcess python =
        ChildProcess.inDirectory(dir, PYTHON, "-u", "server.py", pythonVersion(protocol))) {
      python.await("PORT ", LIMIT);
      int port = number(python.out(), "PORT (\\d+)");
      try (TlsChannel tls =
          TlsChannel.client(
              context,
              SocketChannel.open(new InetSocketAddress("127.0.0.1", port)),
              "localhost",
              port)) {
        tls.write(ByteBuffer.wrap("hello from niotls\n".getBytes(StandardCharsets.US_ASCII)));
        assertThat(readLine(tls)).isEqualTo("python heard: hello from niotls");
        assertThat(tls.session().protocol()).isEqualTo(protocol);
      } // close(): close_notify
      assertThat(python.waitFor(LIMIT)).as(python.out()).isZero();
      assertThat(python.out()).contains("VERSION " + protocol).contains("END b''");
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.niotls.testing.Matrix#providersAndProtocols")
  void aBlockingServerChannelAnswersPythonsSslClientAndEndsWithCloseNotify(
      Provider provider, String protocol) throws Exception {
    TestPki.ec().ca().writeCertificatePem(dir.resolve("ca.pem"));
    Files.writeString(dir.resolve("client.py"), PYTHON_CLIENT);
    TlsContext context = Contexts.server(provider, KeyType.EC_P256).protocols(protocol).build();
    try (ServerSocketChannel listener =
        ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
      int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
      try (ChildProcess python =
          ChildProcess.inDirectory(
              dir, PYTHON, "-u", "client.py", String.valueOf(port), pythonVersion(protocol))) {
        try (TlsChannel tls = TlsChannel.server(context, listener.accept())) {
          assertThat(readLine(tls)).isEqualTo("ping from python");
          assertThat(tls.session().protocol()).isEqualTo(protocol);
          assertThat(tls.session().serverName()).isEqualTo("localhost");
          tls.write(ByteBuffer.wrap("pong from niotls\n".getBytes(StandardCharsets.US_ASCII)));
        } // close(): close_notify
        assertThat(python.waitFor(LIMIT)).as(python.out()).isZero();
        assertThat(python.out())
            .contains("VERSION " + protocol)
            .contains("REPLY pong from niotls")
            .contains("END b''");
      }
    }
  }

  /** Reads (blocking) up to a newline; returns the line without it. */
  private static String readLine(TlsChannel tls) throws IOException {
    StringBuilder line = new StringBuilder();
    ByteBuffer buffer = ByteBuffer.allocate(1024);
    while (line.indexOf("\n") < 0) {
      int n = tls.read(buffer.clear());
      if (n < 0) {
        throw new AssertionError("the stream ended after '" + line + "'");
      }
      line.append(new String(buffer.array(), 0, n, StandardCharsets.US_ASCII));
    }
    return line.substring(0, line.indexOf("\n"));
  }

  private static int number(String output, String regex) {
    Matcher m = Pattern.compile(regex).matcher(output);
    if (!m.find()) {
      throw new AssertionError("no " + regex + " in: " + output);
    }
    return Integer.parseInt(m.group(1));
  }
}
