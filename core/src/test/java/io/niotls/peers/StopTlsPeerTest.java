package io.niotls.peers;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.channel.TlsChannel;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.ChildProcess;
import io.niotls.testing.Contexts;
import io.niotls.testing.Matrix;
import io.niotls.testing.TestPki;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * stopTls against Python's {@code ssl.SSLSocket.unwrap()} ({@code stoptls_peer.py}): an echo over
 * TLS, a STOPTLS exchange begun by either side, both ends leave TLS, then plaintext lines both ways
 * on the same TCP connection. Python corks its close_notify and its first plaintext line into one
 * segment, so the niotls side reads plaintext in the same read as the close_notify. Every provider,
 * TLS 1.3 and 1.2.
 */
@Timeout(60) // a deadlock fails the test instead of hanging the build
class StopTlsPeerTest {
  static final Duration LIMIT = Duration.ofSeconds(20);
  static final String PYTHON = "/usr/bin/python3";

  @TempDir Path dir;

  static Stream<Arguments> cases() {
    return Matrix.providersAndProtocols()
        .flatMap(
            a ->
                Stream.of("niotls", "python")
                    .map(initiator -> Arguments.of(a.get()[0], a.get()[1], initiator)));
  }

  @BeforeEach
  void writePeer() throws IOException {
    try (InputStream script = StopTlsPeerTest.class.getResourceAsStream("stoptls_peer.py")) {
      Files.write(dir.resolve("stoptls_peer.py"), script.readAllBytes());
    }
    TestPki pki = TestPki.ec();
    pki.server().writeCertificatePem(dir.resolve("cert.pem"));
    pki.server().writePrivateKeyPem(dir.resolve("key.pem"));
    pki.ca().writeCertificatePem(dir.resolve("ca.pem"));
  }

  @ParameterizedTest(name = "{0} {1}, {2} begins")
  @MethodSource("cases")
  void aBlockingClientChannelLeavesTlsWithPythonsServerAndGoesOnInPlaintext(
      Provider provider, String protocol, String initiator) throws Exception {
    TlsContext context = Contexts.client(provider, KeyType.EC_P256).protocols(protocol).build();
    try (ChildProcess python = python("server", protocol, initiator)) {
      python.await("PORT ", LIMIT);
      int port = number(python.out(), "PORT (\\d+)");
      try (TlsChannel tls =
          TlsChannel.client(
              context,
              SocketChannel.open(new InetSocketAddress("127.0.0.1", port)),
              "localhost",
              port)) {
        write(tls, "hello over tls\n");
        assertThat(readLine(tls)).isEqualTo("tls echo: hello over tls");
        converse(tls, initiator);
      }
      assertThat(python.waitFor(LIMIT)).as(python.out() + python.err()).isZero();
      assertThat(python.out())
          .contains("TLS " + protocol)
          .contains("UNWRAPPED")
          .contains("GOT PLAIN from niotls")
          .contains("END b''");
    }
  }

  @ParameterizedTest(name = "{0} {1}, {2} begins")
  @MethodSource("cases")
  void aBlockingServerChannelLeavesTlsWithPythonsClientAndGoesOnInPlaintext(
      Provider provider, String protocol, String initiator) throws Exception {
    TlsContext context = Contexts.server(provider, KeyType.EC_P256).protocols(protocol).build();
    try (ServerSocketChannel listener =
        ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
      int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
      try (ChildProcess python = python("client", protocol, initiator, String.valueOf(port))) {
        try (TlsChannel tls = TlsChannel.server(context, listener.accept())) {
          assertThat(readLine(tls)).isEqualTo("hello over tls");
          write(tls, "tls echo: hello over tls\n");
          converse(tls, initiator);
        }
        assertThat(python.waitFor(LIMIT)).as(python.out() + python.err()).isZero();
        assertThat(python.out())
            .contains("TLS " + protocol)
            .contains("UNWRAPPED")
            .contains("GOT PLAIN from niotls")
            .contains("END b''");
      }
    }
  }

  /** The STOPTLS exchange, stopTls(), then the plaintext lines; the channel is plaintext after. */
  private static void converse(TlsChannel tls, String initiator) throws IOException {
    if (initiator.equals("niotls")) {
      write(tls, "STOPTLS\n");
      assertThat(readLine(tls)).isEqualTo("OK");
    } else {
      assertThat(readLine(tls)).isEqualTo("STOPTLS");
      write(tls, "OK\n");
    }
    assertThat(tls.stopTls()).isTrue();
    assertThat(tls.isPlaintext()).isTrue();
    write(tls, "PLAIN from niotls\n");
    assertThat(readLine(tls))
        .as("read in the same segment as the close_notify")
        .isEqualTo("PLAIN from python");
    assertThat(readLine(tls)).isEqualTo("plain echo: PLAIN from niotls");
  }

  ChildProcess python(String... args) throws IOException {
    String[] command = new String[args.length + 3];
    command[0] = PYTHON;
    command[1] = "-u";
    command[2] = "stoptls_peer.py";
    for (int i = 0; i < args.length; i++) {
      command[i + 3] = i == 1 ? args[i].replace('.', '_') : args[i]; // TLSv1.3 -> TLSv1_3
    }
    return ChildProcess.start(new ProcessBuilder(command).directory(dir.toFile()));
  }

  static void write(TlsChannel tls, String text) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(US_ASCII));
    while (bytes.hasRemaining()) {
      tls.write(bytes);
    }
  }

  /** Reads one byte at a time up to a newline, so nothing past the line is taken. */
  static String readLine(TlsChannel tls) throws IOException {
    StringBuilder line = new StringBuilder();
    ByteBuffer one = ByteBuffer.allocate(1);
    while (true) {
      int n = tls.read(one.clear());
      if (n < 0) {
        throw new AssertionError("the stream ended after '" + line + "'");
      }
      if (n == 1) {
        char c = (char) one.get(0);
        if (c == '\n') {
          return line.toString();
        }
        line.append(c);
      }
    }
  }

  static int number(String output, String regex) {
    Matcher m = Pattern.compile(regex).matcher(output);
    if (!m.find()) {
      throw new AssertionError("no " + regex + " in: " + output);
    }
    return Integer.parseInt(m.group(1));
  }
}
