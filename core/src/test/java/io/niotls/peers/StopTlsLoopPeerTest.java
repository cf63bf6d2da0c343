package io.niotls.peers;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.loop.CloseReason;
import io.niotls.loop.SessionHandler;
import io.niotls.loop.TlsClient;
import io.niotls.loop.TlsServer;
import io.niotls.loop.TlsSession;
import io.niotls.testing.ChildProcess;
import io.niotls.testing.Contexts;
import io.niotls.testing.TestPki;
import io.niotls.uri.TransportUri;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link TlsSession#stopTls()} on the selector loop against Python's {@code ssl.SSLSocket.unwrap()}
 * ({@code stoptls_peer.py}, see {@link StopTlsPeerTest}): a niotls client and a Python server, a
 * Python client and a niotls server; an echo over TLS, a STOPTLS exchange begun by either side,
 * then plaintext lines both ways on the same TCP connection, Python's first one in the same segment
 * as its close_notify. Every provider, TLS 1.3 and 1.2.
 */
@Timeout(60) // a deadlock fails the test instead of hanging the build
class StopTlsLoopPeerTest {
  @TempDir Path dir;

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
  @MethodSource("io.niotls.peers.StopTlsPeerTest#cases")
  void aLoopClientLeavesTlsWithPythonsServerAndGoesOnInPlaintext(
      Provider provider, String protocol, String initiator) throws Exception {
    TlsContext context = Contexts.client(provider, KeyType.EC_P256).protocols(protocol).build();
    try (ChildProcess python = python("server", protocol, initiator);
        TlsClient client = TlsClient.create()) {
      python.await("PORT ", StopTlsPeerTest.LIMIT);
      int port = StopTlsPeerTest.number(python.out(), "PORT (\\d+)");
      Conversation niotls = new Conversation(true, initiator.equals("niotls"));
      client.connect(TransportUri.parse("tls://localhost:" + port), context, niotls);
      niotls.assertWentThrough(protocol);
      assertThat(python.waitFor(StopTlsPeerTest.LIMIT)).as(python.out() + python.err()).isZero();
      assertThat(python.out())
          .contains("TLS " + protocol)
          .contains("UNWRAPPED")
          .contains("GOT PLAIN from niotls")
          .contains("END b''");
    }
  }

  @ParameterizedTest(name = "{0} {1}, {2} begins")
  @MethodSource("io.niotls.peers.StopTlsPeerTest#cases")
  void pythonsClientLeavesTlsWithALoopServerAndGoesOnInPlaintext(
      Provider provider, String protocol, String initiator) throws Exception {
    TlsContext context = Contexts.server(provider, KeyType.EC_P256).protocols(protocol).build();
    Conversation niotls = new Conversation(false, initiator.equals("niotls"));
    try (TlsServer server =
            TlsServer.bind(TransportUri.parse("tls://127.0.0.1:0"), context, () -> niotls);
        ChildProcess python =
            python("client", protocol, initiator, String.valueOf(server.uri().port()))) {
      niotls.assertWentThrough(protocol);
      assertThat(python.waitFor(StopTlsPeerTest.LIMIT)).as(python.out() + python.err()).isZero();
      assertThat(python.out())
          .contains("TLS " + protocol)
          .contains("UNWRAPPED")
          .contains("GOT PLAIN from niotls")
          .contains("END b''");
    }
  }

  private ChildProcess python(String... args) throws IOException {
    String[] command = new String[args.length + 3];
    command[0] = StopTlsPeerTest.PYTHON;
    command[1] = "-u";
    command[2] = "stoptls_peer.py";
    for (int i = 0; i < args.length; i++) {
      command[i + 3] = i == 1 ? args[i].replace('.', '_') : args[i]; // TLSv1.3 -> TLSv1_3
    }
    return ChildProcess.start(new ProcessBuilder(command).directory(dir.toFile()));
  }

  /**
   * The niotls side of stoptls_peer.py's conversation, one line at a time. It asks for stopTls from
   * onData as it consumes the line that calls for it, and writes its first plaintext line right
   * after the call: that line must wait for the close_notify exchange and go out as plaintext.
   */
  private static final class Conversation implements SessionHandler {
    private final boolean client;
    private final boolean initiates;
    private final StringBuilder partial = new StringBuilder();
    final List<String> tlsLines = new CopyOnWriteArrayList<>();
    final List<String> plainLines = new CopyOnWriteArrayList<>();
    final CompletableFuture<TlsSession> stopped = new CompletableFuture<>();
    final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
    volatile String protocol;
    private volatile boolean plaintext;

    Conversation(boolean client, boolean initiates) {
      this.client = client;
      this.initiates = initiates;
    }

    @Override
    public void onOpen(TlsSession session) {
      protocol = session.info().protocol();
      if (client) {
        send(session, "hello over tls");
      }
    }

    @Override
    public void onData(TlsSession session, ByteBuffer data) {
      while (data.hasRemaining()) {
        char c = (char) data.get();
        if (c != '\n') {
          partial.append(c);
          continue;
        }
        String line = partial.toString();
        partial.setLength(0);
        if (plaintext) {
          plainLines.add(line);
          if (plainLines.size() == 2) {
            session.close();
          }
          continue;
        }
        tlsLines.add(line);
        switch (line) {
          case "hello over tls" -> {
            send(session, "tls echo: hello over tls");
            if (initiates) {
              send(session, "STOPTLS");
            }
          }
          case "tls echo: hello over tls" -> {
            if (initiates) {
              send(session, "STOPTLS");
            }
          }
          case "STOPTLS" -> {
            send(session, "OK"); // before the call: over TLS
            stop(session);
          }
          case "OK" -> stop(session);
          default -> throw new AssertionError("unexpected over TLS: " + line);
        }
      }
    }

    private void stop(TlsSession session) {
      session
          .stopTls()
          .whenComplete(
              (s, failure) -> {
                plaintext = failure == null; // before the first plaintext reaches onData
                if (failure != null) {
                  stopped.completeExceptionally(failure);
                } else {
                  stopped.complete(s);
                }
              });
      send(session, "PLAIN from niotls"); // after the call: plaintext, once TLS has ended
    }

    @Override
    public void onClosed(TlsSession session, CloseReason reason, Throwable cause) {
      closed.complete(reason);
      stopped.completeExceptionally(new AssertionError("closed (" + reason + ")", cause));
    }

    void assertWentThrough(String expectedProtocol) throws Exception {
      TlsSession s = stopped.get(20, TimeUnit.SECONDS);
      assertThat(s.info()).as("a plaintext session has no TLS facts").isNull();
      assertThat(closed.get(20, TimeUnit.SECONDS)).isEqualTo(CloseReason.LOCAL);
      assertThat(protocol).isEqualTo(expectedProtocol);
      assertThat(plainLines)
          .as("the first came in the same segment as Python's close_notify")
          .containsExactly("PLAIN from python", "plain echo: PLAIN from niotls");
    }

    private static void send(TlsSession session, String line) {
      session.write(ByteBuffer.wrap((line + "\n").getBytes(US_ASCII)));
    }
  }
}
