package io.niotls.cli.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.cli.Main;
import io.niotls.testing.ChildProcess;
import io.niotls.testing.OpensslCa;
import io.niotls.testing.OpensslServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code niotls server --ocsp-response}, {@code niotls client --status}, and the verification
 * options ({@code --security-level}, {@code --CRL}, {@code --CApath}, {@code --verify-depth}) with
 * OpenSSL on the other side: a test CA, its OCSP responses and CRL all made by {@code openssl ca}
 * and {@code openssl ocsp}.
 */
class OcspAndVerifyOptionsTest {
  private static final Duration RUN = Duration.ofSeconds(60);

  @TempDir static Path dir;
  private static OpensslCa ca;
  private static Path leaf;
  private static Path key;
  private static Path good;

  @BeforeAll
  static void pki() throws Exception {
    Peer.require(Peer.OPENSSL);
    ca = OpensslCa.root(dir.resolve("ca"), "niotls cli OCSP CA");
    leaf = ca.leaf("server");
    key = ca.file("server.key");
    good = ca.ocspResponse(leaf, "good.der");
  }

  @ParameterizedTest(name = "{0} provider")
  @ValueSource(strings = {"boringssl", "openssl"})
  void opensslClientStatusShowsTheResponseANiotlsServerStaples(String provider) throws Exception {
    Pki pki = new Pki(ca.certificate(), leaf, key, key);
    try (NiotlsServer server =
        NiotlsServer.start(
            pki, provider, "tls://127.0.0.1:0", "--ocsp-response", good.toString())) {
      try (ChildProcess client =
          ChildProcess.inDirectory(
              dir,
              "openssl",
              "s_client",
              "-connect",
              "127.0.0.1:" + server.port(),
              "-servername",
              "localhost",
              "-CAfile",
              ca.certificate().toString(),
              "-verify_return_error",
              "-status")) {
        client.await("Verify return code", RUN);
        client.endInput();
        client.waitFor(RUN);
        assertThat(client.out())
            .contains("OCSP Response Status: successful")
            .contains("Cert Status: good")
            .contains("Verify return code: 0 (ok)");
      }
    }
  }

  @Test
  void sighupStaplesTheResponseNowInTheFile() throws Exception {
    Path reloaded = ca.leaf("reloaded");
    Path stapled = dir.resolve("stapled.der");
    Files.copy(ca.ocspResponse(reloaded, "reloaded-good.der"), stapled);
    Pki pki = new Pki(ca.certificate(), reloaded, ca.file("reloaded.key"), null);
    try (NiotlsServer server =
        NiotlsServer.start(
            pki, "boringssl", "tls://127.0.0.1:0", "--ocsp-response", stapled.toString())) {
      assertThat(opensslStatus(server.port())).contains("Cert Status: good");
      ca.revoke(reloaded);
      Files.copy(
          ca.ocspResponse(reloaded, "reloaded-revoked.der"),
          stapled,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      try (ChildProcess kill =
          ChildProcess.program("kill", "-HUP", Long.toString(server.process().pid()))) {
        assertThat(kill.waitFor(RUN)).isZero();
      }
      server.process().awaitLine(line -> line.startsWith("reloaded"), RUN);
      assertThat(opensslStatus(server.port())).contains("Cert Status: revoked");
    }
  }

  /** What {@code openssl s_client -status} says of one handshake with a server at {@code port}. */
  private static String opensslStatus(int port) throws Exception {
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
            ca.certificate().toString(),
            "-status")) {
      client.await("Verify return code", RUN);
      client.endInput();
      client.waitFor(RUN);
      return client.out();
    }
  }

  @Test
  void aJdkServerRefusesTheOcspResponseAndSaysWhichProvidersCan() throws Exception {
    try (ChildProcess server =
        ChildProcess.java(
            Main.class,
            "server",
            "tls://127.0.0.1:0",
            "--cert",
            leaf.toString(),
            "--key",
            key.toString(),
            "--provider",
            "jdk",
            "--ocsp-response",
            good.toString())) {
      assertThat(server.waitFor(RUN)).isEqualTo(Main.USAGE);
      assertThat(server.err())
          .contains("the JDK provider cannot staple a given OCSP response")
          .contains("use the OPENSSL or BORINGSSL provider");
    }
  }

  @ParameterizedTest(name = "{0} provider")
  @ValueSource(strings = {"jdk", "openssl", "boringssl"})
  void niotlsClientStatusPrintsWhatOpensslServerStaples(String provider) throws Exception {
    try (OpensslServerProcess server = opensslServer(leaf, key, "-status_file", good.toString())) {
      Result result = client(server.port(), provider, "--status");
      assertThat(result.code).as(result.err).isZero();
      assertThat(result.err)
          .contains("OCSP response: " + Files.size(good) + " bytes")
          .contains("OCSP Response Status: successful")
          .contains("Cert Status: good");
    }
  }

  @ParameterizedTest(name = "{0} provider")
  @ValueSource(strings = {"jdk", "boringssl"})
  void requireOcspRefusesAServerThatStaplesNothing(String provider) throws Exception {
    try (OpensslServerProcess server = opensslServer(leaf, key)) {
      Result result = client(server.port(), provider, "--require-ocsp");
      assertThat(result.code).isNotZero();
      assertThat(result.err).contains("the server stapled no OCSP response");
    }
  }

  @Test
  void anRsa1024ServerIsRefusedUnlessTheSecurityLevelIsLowered() throws Exception {
    Path weak = ca.issue("weak", "localhost", "leaf", "rsa:1024");
    Path weakKey = ca.file("weak.key");
    try (OpensslServerProcess server =
        opensslServer(weak, weakKey, "-cipher", "DEFAULT:@SECLEVEL=0")) {
      Result result = client(server.port(), "boringssl");
      assertThat(result.code).isNotZero();
      assertThat(result.err).contains("RSA key of 1024 bits is below the minimum 2048");
    }
    try (OpensslServerProcess server =
        opensslServer(weak, weakKey, "-cipher", "DEFAULT:@SECLEVEL=0")) {
      Result result = client(server.port(), "boringssl", "--security-level", "1");
      assertThat(result.code).as(result.err).isZero();
    }
  }

  @Test
  void crlCapathAndVerifyDepthReachTheClient() throws Exception {
    Path hashed = Files.createDirectories(dir.resolve("hashed"));
    Files.copy(ca.certificate(), hashed.resolve("ca.pem"));
    OpensslCa.run(hashed, "openssl", "rehash", ".");
    OpensslCa sub = ca.intermediate("cli intermediate");
    Path deep = sub.leaf("deep");
    try (OpensslServerProcess server =
        opensslServer(deep, sub.file("deep.key"), "-cert_chain", sub.certificate().toString())) {
      Result result =
          client(server.port(), "jdk", "--CApath", hashed.toString(), "--verify-depth", "0");
      assertThat(result.code).isNotZero();
      assertThat(result.err).contains("1 intermediate CA certificates, more than verifyDepth(0)");
    }
    try (OpensslServerProcess server =
        opensslServer(deep, sub.file("deep.key"), "-cert_chain", sub.certificate().toString())) {
      Result result = client(server.port(), "jdk", "--CApath", hashed.toString());
      assertThat(result.code).as(result.err).isZero();
    }
    Path revoked = ca.leaf("revoked");
    ca.revoke(revoked);
    Path crl = ca.crl("crl.pem");
    try (OpensslServerProcess server = opensslServer(revoked, ca.file("revoked.key"))) {
      Result result = client(server.port(), "boringssl", "--CRL", crl.toString());
      assertThat(result.code).isNotZero();
      assertThat(result.err).contains("certificate CN=localhost (depth 0) is revoked by a CRL");
      server.process().await("alert certificate revoked", RUN);
    }
  }

  @Test
  void aServerRefusesAWeakClientCertificateWithBadCertificate() throws Exception {
    Path weakClient = ca.issue("weak-client", "weak client", "leaf", "rsa:1024");
    Pki pki = new Pki(ca.certificate(), leaf, key, key);
    try (NiotlsServer server =
        NiotlsServer.start(
            pki,
            "boringssl",
            "tls://127.0.0.1:0",
            "--client-auth",
            "require",
            "--trust",
            ca.certificate().toString(),
            "--security-level",
            "2")) {
      try (ChildProcess client =
          ChildProcess.inDirectory(
              dir,
              "openssl",
              "s_client",
              "-connect",
              "127.0.0.1:" + server.port(),
              "-servername",
              "localhost",
              "-CAfile",
              ca.certificate().toString(),
              "-cert",
              weakClient.toString(),
              "-key",
              ca.file("weak-client.key").toString(),
              "-cipher",
              "DEFAULT:@SECLEVEL=0",
              "-tls1_3")) {
        client.await("alert bad certificate", RUN);
      }
    }
  }

  private record Result(int code, String err) {}

  /** {@code niotls client} for localhost at {@code port}, trusting the CA, with empty stdin. */
  private static Result client(int port, String provider, String... more) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "client",
                "tls://127.0.0.1:" + port,
                "--servername",
                "localhost",
                "--provider",
                provider,
                "--linger",
                "200ms"));
    if (!List.of(more).contains("--CApath")) {
      args.addAll(List.of("--trust", ca.certificate().toString()));
    }
    args.addAll(List.of(more));
    try (ChildProcess client = ChildProcess.java(Main.class, args.toArray(new String[0]))) {
      client.endInput();
      int code = client.waitFor(RUN);
      return new Result(code, client.err());
    }
  }

  private static OpensslServerProcess opensslServer(Path cert, Path certKey, String... more)
      throws Exception {
    List<String> options =
        new ArrayList<>(List.of("-cert", cert.toString(), "-key", certKey.toString()));
    options.addAll(List.of(more));
    return OpensslServerProcess.start(dir, 1, options.toArray(new String[0]));
  }
}
