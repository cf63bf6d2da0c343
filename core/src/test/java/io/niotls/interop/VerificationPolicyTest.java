package io.niotls.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.context.Provider;
import io.niotls.context.TlsConfigException;
import io.niotls.context.TlsContext;
import io.niotls.context.TlsContextBuilder;
import io.niotls.engine.TlsEngine;
import io.niotls.testing.OpensslCa;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The verification policy against {@code openssl s_server}, every provider: key strengths (an
 * RSA-1024 server certificate, a SHA-1 signature), verify depth, CRLs made by {@code openssl ca
 * -gencrl}, CA directories (hashed by {@code openssl rehash}, and plain). Each refusal names the
 * certificate and the rule, and the server hears the alert OpenSSL itself would send.
 */
class VerificationPolicyTest {
  @TempDir Path dir;
  private OpensslCa ca;

  @BeforeEach
  void pki() throws Exception {
    ca = OpensslCa.root(dir.resolve("ca"), "niotls policy test CA");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.testing.Matrix#providers")
  void anRsa1024ServerCertificateIsRefusedWithTheRuleAndTheAlertOpensslSends(Provider provider)
      throws Exception {
    Path weak = ca.issue("weak", "localhost", "leaf", "rsa:1024");
    try (OpensslServer server = weakServer(weak)) {
      TlsEngine engine = server.handshake(client(provider).build());
      try {
        assertThat(engine.failure()).isNotNull();
        assertThat(engine.failure().getMessage())
            .contains("certificate CN=localhost (depth 0) is refused")
            .contains("RSA key of 1024 bits is below the minimum 2048");
        // what OpenSSL sends for it; SunJSSE 17 has one alert for every refusal of its trust
        // manager (certificate_unknown); SunJSSE 25 sends bad_certificate, as OpenSSL does
        server.await(
            provider == Provider.JDK && Runtime.version().feature() <= 17
                ? "alert certificate unknown"
                : "alert bad certificate");
      } finally {
        engine.close();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.testing.Matrix#providers")
  void securityLevelOneAcceptsTheRsa1024ServerCertificate(Provider provider) throws Exception {
    Path weak = ca.issue("weak", "localhost", "leaf", "rsa:1024");
    try (OpensslServer server = weakServer(weak)) {
      TlsEngine engine = server.handshake(client(provider).securityLevel(1).build());
      try {
        assertThat(engine.failure()).isNull();
      } finally {
        engine.close();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.testing.Matrix#providers")
  void aSha1SignedServerCertificateIsRefused(Provider provider) throws Exception {
    Path sha1 =
        ca.issueSigned(
            "sha1", "sha1", "localhost", "leaf", "ec", "-pkeyopt", "ec_paramgen_curve:P-256");
    try (OpensslServer server =
        OpensslServer.start(
            dir, sha1, ca.file("sha1.key"), "TLSv1.2", "-cipher", "DEFAULT:@SECLEVEL=0")) {
      TlsEngine engine = server.handshake(client(provider).protocols("TLSv1.2").build());
      try {
        assertThat(engine.failure()).isNotNull();
        assertThat(engine.failure().getMessage())
            .contains("certificate CN=localhost (depth 0) is refused")
            .contains("a signature with SHA-1 (SHA1withRSA) is refused from security level 2 up");
      } finally {
        engine.close();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.testing.Matrix#providers")
  void aChainDeeperThanTheVerifyDepthIsRefusedAndOneAsDeepAccepted(Provider provider)
      throws Exception {
    OpensslCa first = ca.intermediate("first intermediate");
    OpensslCa second = first.intermediate("second intermediate");
    Path leaf = second.leaf("deep");
    Path chain = dir.resolve("chain.pem");
    Files.writeString(
        chain, Files.readString(second.certificate()) + Files.readString(first.certificate()));
    String[] sendChain = {"-cert_chain", chain.toString()};
    Path key = second.file("deep.key");
    try (OpensslServer server = OpensslServer.start(dir, leaf, key, "TLSv1.3", sendChain)) {
      TlsEngine engine = server.handshake(client(provider).verifyDepth(1).build());
      try {
        assertThat(engine.failure()).isNotNull();
        assertThat(engine.failure().getMessage())
            .contains("certificate CN=localhost (depth 0) is refused")
            .contains("its chain has 2 intermediate CA certificates, more than verifyDepth(1)");
      } finally {
        engine.close();
      }
    }
    try (OpensslServer server = OpensslServer.start(dir, leaf, key, "TLSv1.3", sendChain)) {
      TlsEngine engine = server.handshake(client(provider).verifyDepth(2).build());
      try {
        assertThat(engine.failure()).isNull();
        assertThat(engine.session().peerCertificates()).hasSize(3);
      } finally {
        engine.close();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.testing.Matrix#providers")
  void aRevokedCertificateIsRefusedWithTheCrlAndAcceptedWithout(Provider provider)
      throws Exception {
    Path leaf = ca.leaf("server");
    ca.revoke(leaf);
    Path crl = ca.crl("crl.pem");
    Path key = ca.file("server.key");
    try (OpensslServer server = OpensslServer.start(dir, leaf, key, "TLSv1.3")) {
      TlsEngine engine = server.handshake(client(provider).crl(crl).build());
      try {
        assertThat(engine.failure()).isNotNull();
        assertThat(engine.failure().getMessage())
            .contains("certificate CN=localhost (depth 0) is revoked by a CRL");
        server.await("alert certificate revoked");
      } finally {
        engine.close();
      }
    }
    try (OpensslServer server = OpensslServer.start(dir, leaf, key, "TLSv1.3")) {
      TlsEngine engine = server.handshake(client(provider).build());
      try {
        assertThat(engine.failure()).isNull();
      } finally {
        engine.close();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.testing.Matrix#providers")
  void aCertificateTheCrlDoesNotListIsAccepted(Provider provider) throws Exception {
    Path other = ca.issue("other", "other", "leaf", "ec", "-pkeyopt", "ec_paramgen_curve:P-256");
    ca.revoke(other);
    Path crl = ca.crl("crl.pem");
    Path leaf = ca.leaf("server");
    try (OpensslServer server = OpensslServer.start(dir, leaf, ca.file("server.key"), "TLSv1.2")) {
      TlsEngine engine = server.handshake(client(provider).crl(crl).build());
      try {
        assertThat(engine.failure()).isNull();
      } finally {
        engine.close();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.testing.Matrix#providers")
  void aHashedCaDirectoryAndAPlainOneAreBothTrusted(Provider provider) throws Exception {
    Path leaf = ca.leaf("server");
    Path plain = Files.createDirectories(dir.resolve("plain"));
    Files.copy(ca.certificate(), plain.resolve("test-ca.pem"));
    Files.writeString(plain.resolve("README"), "not a certificate\n");
    Path hashed = Files.createDirectories(dir.resolve("hashed"));
    Files.copy(ca.certificate(), hashed.resolve("test-ca.pem"));
    OpensslCa.run(hashed, "openssl", "rehash", ".");
    assertThat(Files.list(hashed).map(p -> p.getFileName().toString()))
        .anyMatch(name -> name.matches("[0-9a-f]{8}\\.0"));
    for (Path directory : new Path[] {plain, hashed}) {
      try (OpensslServer server =
          OpensslServer.start(dir, leaf, ca.file("server.key"), "TLSv1.3")) {
        TlsContext context =
            TlsContext.forClient().provider(provider).trustDirectory(directory).build();
        TlsEngine engine = server.handshake(context);
        try {
          assertThat(engine.failure()).as("trusting %s", directory).isNull();
        } finally {
          engine.close();
        }
      }
    }
  }

  @Test
  void aDirectoryWithoutCertificatesIsRefusedWithWhatWasExpected() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertThatThrownBy(() -> TlsContext.forClient().trustDirectory(empty))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("holds no certificate")
        .hasMessageContaining("-----BEGIN CERTIFICATE-----");
  }

  @Test
  void aFileThatIsNotACrlIsRefusedWithItsName() throws Exception {
    assertThatThrownBy(() -> TlsContext.forClient().crl(ca.certificate()))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("ca.pem holds no")
        .hasMessageContaining("CRL");
  }

  @Test
  void securityLevelsOutsideZeroToFiveAreRefused() {
    assertThatThrownBy(() -> TlsContext.forClient().securityLevel(6))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("the security level is 0 to 5");
  }

  /** s_server itself refuses an RSA-1024 key at OpenSSL's default level 2: level 0 for it. */
  private OpensslServer weakServer(Path weak) throws Exception {
    return OpensslServer.start(
        dir, weak, ca.file("weak.key"), "TLSv1.3", "-cipher", "DEFAULT:@SECLEVEL=0");
  }

  private TlsContextBuilder client(Provider provider) {
    return TlsContext.forClient().provider(provider).trustPem(ca.certificate());
  }
}
