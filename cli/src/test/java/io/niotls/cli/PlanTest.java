package io.niotls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator;
import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.certs.GeneratedCertificate;
import io.niotls.context.ClientAuth;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the parsed options turn into, checked without binding or connecting anything. */
class PlanTest {
  @TempDir static Path dir;
  static GeneratedCertificate server;
  static GeneratedCertificate other;
  static Path cert;
  static Path key;
  static Path encryptedKey;
  static Path keystore;

  @BeforeAll
  static void files() {
    server = CertificateGenerator.selfSigned(KeyType.EC_P256, "localhost");
    other = CertificateGenerator.selfSigned(KeyType.RSA_2048, "other.test");
    cert = dir.resolve("server.pem");
    key = dir.resolve("server.key");
    encryptedKey = dir.resolve("server-encrypted.key");
    keystore = dir.resolve("both.p12");
    server.writeCertificatePem(cert);
    server.writePrivateKeyPem(key);
    server.writeEncryptedPrivateKeyPem(encryptedKey, "s3cret".toCharArray());
    GeneratedCertificate.writeKeyStore(
        keystore, "PKCS12", "storepass".toCharArray(), Map.of("server", server, "other", other));
  }

  private static ServerCommand.Plan server(String... args) {
    return Cli.<ServerCommand>parse("server", args).prepare();
  }

  private static X509Certificate leaf(TlsContext context) {
    return context.keyMaterial().certificate();
  }

  @Test
  void withoutKeyOptionsTheServerMakesASelfSignedP256CertificateForThisMachine() throws Exception {
    ServerCommand.Plan plan = server();
    X509Certificate leaf = leaf(plan.context());
    assertThat(leaf.getPublicKey()).isInstanceOf(ECPublicKey.class);
    assertThat(((ECPublicKey) leaf.getPublicKey()).getParams().getOrder().bitLength())
        .isEqualTo(256);
    assertThat(leaf.getSubjectAlternativeNames())
        .extracting(name -> (Object) name.get(1))
        .containsExactlyInAnyOrder("localhost", "127.0.0.1", "0:0:0:0:0:0:0:1");
    assertThat(leaf.getSubjectX500Principal()).isEqualTo(leaf.getIssuerX500Principal());
  }

  @Test
  void theDefaultServerListensOnLoopback8443WithModernTls() {
    ServerCommand.Plan plan = server();
    assertThat(plan.uri().toString()).isEqualTo("tls://127.0.0.1:8443");
    assertThat(plan.context().protocols()).containsExactly("TLSv1.3", "TLSv1.2");
    assertThat(plan.context().handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(plan.mode()).isEqualTo(ServerCommand.Mode.ECHO);
    assertThat(plan.reuseAddress()).isTrue();
    assertThat(plan.tcpNoDelay()).isTrue();
  }

  @Test
  void pemFilesGiveTheServerTheirCertificate() {
    ServerCommand.Plan plan = server("--cert", cert.toString(), "--key", key.toString());
    assertThat(plan.context().keyMaterial().fingerprint()).isEqualTo(server.sha256());
  }

  @Test
  void anEncryptedKeyOpensWithItsPasswordFromTheLineOrAFile() throws Exception {
    ServerCommand.Plan literal =
        server(
            "--cert",
            cert.toString(),
            "--key",
            encryptedKey.toString(),
            "--key-password",
            "s3cret");
    assertThat(literal.context().keyMaterial().fingerprint()).isEqualTo(server.sha256());
    Path secret = dir.resolve("password.txt");
    Files.writeString(secret, "s3cret\n");
    ServerCommand.Plan fromFile =
        server(
            "--cert",
            cert.toString(),
            "--key",
            encryptedKey.toString(),
            "--key-password",
            "file:" + secret);
    assertThat(fromFile.context().keyMaterial().fingerprint()).isEqualTo(server.sha256());
  }

  @Test
  void aKeystoreEntryIsChosenByAlias() {
    ServerCommand.Plan plan =
        server("--keystore", keystore.toString(), "--password", "storepass", "--alias", "other");
    assertThat(plan.context().keyMaterial().fingerprint()).isEqualTo(other.sha256());
  }

  @Test
  void aKeystoreEntryIsChosenByFingerprint() {
    String colons = server.sha1().hex().toUpperCase().replaceAll("(..)(?!$)", "$1:");
    ServerCommand.Plan plan =
        server(
            "--keystore",
            keystore.toString(),
            "--password",
            "storepass",
            "--cert-fingerprint",
            colons);
    assertThat(plan.context().keyMaterial().fingerprint()).isEqualTo(server.sha256());
  }

  @Test
  void tlsOptionsReachTheContext() {
    ServerCommand.Plan plan =
        server(
            "--provider",
            "jdk",
            "--protocols",
            "TLSv1.2",
            "--handshake-timeout",
            "500ms",
            "--alpn",
            "h2,http/1.1");
    assertThat(plan.context().provider()).isEqualTo(Provider.JDK);
    assertThat(plan.context().protocols()).containsExactly("TLSv1.2");
    assertThat(plan.context().handshakeTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(plan.context().alpn()).containsExactly("h2", "http/1.1");
  }

  @Test
  void aVersionSchemeNarrowsTheProtocols() {
    assertThat(server("tlsv1.3://127.0.0.1:0").context().protocols()).containsExactly("TLSv1.3");
  }

  @Test
  void httpModeOffersHttp11OverAlpn() {
    assertThat(server("--mode", "http").context().alpn()).containsExactly("http/1.1");
  }

  @Test
  void clientAuthWithTrustAsksForCertificates() {
    ServerCommand.Plan plan = server("--client-auth", "require", "--trust", cert.toString());
    assertThat(plan.context().clientAuth()).isEqualTo(ClientAuth.REQUIRE);
  }

  @Test
  void socketOptionsCanBeTurnedOff() {
    ServerCommand.Plan plan = server("--no-reuse-address", "--no-tcp-nodelay");
    assertThat(plan.reuseAddress()).isFalse();
    assertThat(plan.tcpNoDelay()).isFalse();
  }

  @Test
  void aPlainTcpServerHasNoContextButSmtpStartTlsHasOne() {
    assertThat(server("tcp://127.0.0.1:0").context()).isNull();
    ServerCommand.Plan smtp = server("--starttls", "smtp", "tcp://127.0.0.1:0");
    assertThat(smtp.smtp()).isTrue();
    assertThat(smtp.context()).isNotNull();
  }

  @Test
  void theClientSendsTheGivenServerName() {
    ClientCommand.Plan plan =
        Cli.<ClientCommand>parse("client", "--servername", "example.test", "tls://127.0.0.1:1")
            .prepare();
    assertThat(plan.context().serverNameFor("127.0.0.1")).isEqualTo("example.test");
    assertThat(plan.context().isClient()).isTrue();
  }

  @Test
  void benchDefaultsToFullHandshakesTwoThousandAtAHundredAtATime() {
    BenchCommand.Plan plan = Cli.<BenchCommand>parse("bench").prepare();
    assertThat(plan.connections()).isEqualTo(2000);
    assertThat(plan.concurrency()).isEqualTo(100);
    assertThat(plan.warmup()).isEqualTo(500);
    assertThat(Cli.<BenchCommand>parse("bench", "--warmup", "0").prepare().warmup()).isZero();
    assertThat(plan.embedded()).isTrue();
    assertThat(plan.clientContext().sessionResumption()).isFalse();
    assertThat(plan.target().toString()).isEqualTo("tls://127.0.0.1:0");
    assertThat(leaf(plan.serverContext()).getPublicKey()).isInstanceOf(ECPublicKey.class);
  }

  @Test
  void benchResumeAndRsaKeyAreHonoured() {
    BenchCommand.Plan plan = Cli.<BenchCommand>parse("bench", "--resume", "--key", "rsa").prepare();
    assertThat(plan.clientContext().sessionResumption()).isTrue();
    assertThat(leaf(plan.serverContext()).getPublicKey()).isInstanceOf(RSAPublicKey.class);
    assertThat(plan.keyType()).isEqualTo("rsa");
  }

  @Test
  void benchAgainstAUriHasNoEmbeddedServer() {
    BenchCommand.Plan plan =
        Cli.<BenchCommand>parse("bench", "--insecure", "tls://127.0.0.1:9").prepare();
    assertThat(plan.embedded()).isFalse();
    assertThat(plan.keyType()).isNull();
    assertThat(List.of(plan.target().port())).containsExactly(9);
  }
}
