package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.ChildProcess;
import io.niotls.testing.Contexts;
import io.niotls.testing.OpensslServerProcess;
import io.niotls.testing.TestPki;
import io.niotls.uri.TransportUri;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TlsClient and TlsServer against the {@code openssl} command line on 127.0.0.1: a client of {@code
 * s_server -rev}, and the server of {@code s_client}, both providers, TLS 1.3 and 1.2.
 */
class OpensslLoopTest {
  private static final Duration LIMIT = Duration.ofSeconds(20);

  @TempDir Path dir;

  private static String scheme(String protocol) {
    return "TLSv1.3".equals(protocol) ? "tlsv1.3" : "tlsv1.2";
  }

  /** The s_server speaks both versions: the URI's scheme alone picks one. */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.niotls.testing.Matrix#providersAndProtocols")
  void tlsClientTalksToOpensslServerInTheVersionItsSchemeNames(Provider provider, String protocol)
      throws Exception {
    TestPki pki = TestPki.ec();
    pki.server().writeCertificatePem(dir.resolve("cert.pem"));
    pki.server().writePrivateKeyPem(dir.resolve("key.pem"));
    TlsContext context = Contexts.client(provider, KeyType.EC_P256).build();
    try (OpensslServerProcess server =
            OpensslServerProcess.start(dir, 1, "-cert", "cert.pem", "-key", "key.pem", "-rev");
        TlsClient client = TlsClient.create(ClientOptions.builder().loopCount(1).build())) {
      int port = server.port();
      Recorder recorder = new Recorder();
      TlsSession session =
          client
              .connect(
                  TransportUri.parse(scheme(protocol) + "://localhost:" + port), context, recorder)
              .get(LIMIT.toSeconds(), TimeUnit.SECONDS);

      assertThat(session.info().protocol()).isEqualTo(protocol);
      assertThat(session.info().serverName()).isEqualTo("localhost");
      assertThat(session.info().peerFingerprint()).isEqualTo(pki.server().sha256());
      session.write(ByteBuffer.wrap("hello niotls\n".getBytes(StandardCharsets.US_ASCII)));
      awaitBytes(recorder, "sltoin olleh\n".length());
      assertThat(new String(recorder.received(), StandardCharsets.US_ASCII))
          .isEqualTo("sltoin olleh\n");
      session.close().get(LIMIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(recorder.closed.get().reason()).isEqualTo(CloseReason.LOCAL);
      server.await("Protocol version: " + protocol);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.niotls.testing.Matrix#providersAndProtocols")
  void opensslClientTalksToTlsServerEcho(Provider provider, String protocol) throws Exception {
    TestPki.ec().ca().writeCertificatePem(dir.resolve("ca.pem"));
    TlsContext context = Contexts.server(provider, KeyType.EC_P256).build();
    LinkedBlockingQueue<EchoHandler> handlers = new LinkedBlockingQueue<>();
    try (TlsServer server =
        TlsServer.bind(
            TransportUri.parse(scheme(protocol) + "://127.0.0.1:0"),
            context,
            () -> {
              EchoHandler h = new EchoHandler();
              handlers.add(h);
              return h;
            },
            ServerOptions.builder().loopCount(1).build())) {
      try (ChildProcess client =
          ChildProcess.inDirectory(
              dir,
              "openssl",
              "s_client",
              "-connect",
              "127.0.0.1:" + server.uri().port(),
              "-servername",
              "localhost",
              "-CAfile",
              "ca.pem",
              "-verify_return_error",
              "-quiet",
              "-no_ign_eof")) {
        OutputStream stdin = client.stdin();
        stdin.write("hello loop\n".getBytes(StandardCharsets.US_ASCII));
        stdin.flush();
        client.await("hello loop", LIMIT);
        stdin.close(); // end of input: s_client sends close_notify and exits
        assertThat(client.exited(LIMIT)).as("s_client exits").isTrue();
      }
      EchoHandler handler = handlers.poll(LIMIT.toSeconds(), TimeUnit.SECONDS);
      TlsSession session = handler.opened.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(session.info().protocol()).isEqualTo(protocol);
      assertThat(session.info().serverName()).isEqualTo("localhost");
      assertThat(handler.closed.get(LIMIT.toSeconds(), TimeUnit.SECONDS).reason())
          .isEqualTo(CloseReason.CLOSE_NOTIFY);
    }
  }

  private static void awaitBytes(Recorder recorder, int n) throws InterruptedException {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (recorder.received().length < n && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }
}
