package io.niotls.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.engine.Status;
import io.niotls.testing.ChildProcess;
import io.niotls.testing.Contexts;
import io.niotls.testing.Ports;
import io.niotls.testing.TestPki;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * niotls against GnuTLS, a TLS stack that shares no code with either of its providers: {@code
 * gnutls-cli} against a niotls server and a niotls client against {@code gnutls-serv --echo}, on
 * 127.0.0.1, TLS 1.2 and 1.3, both providers. Needs the Debian package gnutls-bin.
 *
 * <p>gnutls-serv cannot be told which address to listen on: for the few seconds of a test it
 * listens on an ephemeral port of every interface.
 */
class GnutlsPeerTest {
  private static final Duration LIMIT = Duration.ofSeconds(20);

  @TempDir Path dir;

  /** A GnuTLS priority string that allows exactly one protocol version. */
  private static String priority(String protocol) {
    return "--priority=NORMAL:-VERS-ALL:+VERS-"
        + ("TLSv1.3".equals(protocol) ? "TLS1.3" : "TLS1.2");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.niotls.testing.Matrix#providersAndProtocols")
  void gnutlsCliTalksToANiotlsServer(Provider provider, String protocol) throws Exception {
    TestPki.ec().ca().writeCertificatePem(dir.resolve("ca.pem"));
    TlsContext context = Contexts.server(provider, KeyType.EC_P256).protocols(protocol).build();
    try (EchoServer server = EchoServer.start(context);
        ChildProcess cli =
            ChildProcess.inDirectory(
                dir,
                "gnutls-cli",
                "--x509cafile=ca.pem",
                "--sni-hostname=localhost",
                "--verify-hostname=localhost",
                priority(protocol),
                "--port=" + server.port(),
                "127.0.0.1")) {
      cli.await("- Handshake was completed", LIMIT);
      assertThat(cli.out()).contains("- Description: (" + gnutlsName(protocol) + "-X.509)");

      cli.write("hello from gnutls\n");
      cli.await("hello from gnutls", LIMIT);
      cli.stdin().close(); // gnutls-cli says bye (close_notify) at the end of its input

      EchoServer.Outcome outcome = server.next(LIMIT);
      assertThat(outcome.status()).as(outcome.failure()).isEqualTo(Status.ZERO_RETURN);
      assertThat(outcome.session().protocol()).isEqualTo(protocol);
      assertThat(outcome.session().serverName()).isEqualTo("localhost");
      assertThat(outcome.received()).isEqualTo("hello from gnutls\n");
      assertThat(cli.waitFor(LIMIT)).as(cli.out()).isZero();
      assertThat(server.errors()).isEmpty();
    }
    assertThat(context.bufferPool().outstanding()).isZero();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.niotls.testing.Matrix#providersAndProtocols")
  void aNiotlsClientTalksToGnutlsServ(Provider provider, String protocol) throws Exception {
    TestPki pki = TestPki.ec();
    pki.server().writeCertificatePem(dir.resolve("cert.pem"));
    // GnuTLS wants the curve inside the EC key, which only the traditional form carries
    pki.server().writeTraditionalPrivateKeyPem(dir.resolve("key.pem"));
    TlsContext context = Contexts.client(provider, KeyType.EC_P256).protocols(protocol).build();
    int port = Ports.free();
    try (ChildProcess serv =
        ChildProcess.inDirectory(
            dir,
            "gnutls-serv",
            "--echo",
            "--disable-client-cert",
            "--x509certfile=cert.pem",
            "--x509keyfile=key.pem",
            priority(protocol),
            "--port=" + port)) {
      // "listening on IPv4 ... port N..." comes before the bind, "done" after it
      serv.await("IPv4 0.0.0.0 port " + port + "...done", LIMIT);
      try (ClientConnection client = ClientConnection.open(context, port, LIMIT)) {
        assertThat(client.handshake()).as("%s", client.engine.failure()).isEqualTo(Status.OK);
        assertThat(client.engine.session().protocol()).isEqualTo(protocol);
        assertThat(client.engine.session().peerFingerprint()).isEqualTo(pki.server().sha256());

        assertThat(client.write("ping from niotls\n")).isEqualTo(Status.OK);
        assertThat(client.readUntil("\n")).isEqualTo("ping from niotls\n");
        assertThat(client.shutdown()).isIn(Status.SENT, Status.DONE);
      }
    }
    assertThat(context.bufferPool().outstanding()).isZero();
  }

  private static String gnutlsName(String protocol) {
    return "TLSv1.3".equals(protocol) ? "TLS1.3" : "TLS1.2";
  }
}
