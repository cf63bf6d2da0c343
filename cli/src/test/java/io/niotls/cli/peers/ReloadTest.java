package io.niotls.cli.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator;
import io.niotls.certs.GeneratedCertificate;
import io.niotls.cli.Main;
import io.niotls.testing.ChildProcess;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code niotls server} reloads its certificate without a restart: on SIGHUP and, with {@code
 * --reload-on-change}, when the files change. {@code openssl s_client} says which certificate is
 * served; a JDK client connecting all the while says no handshake failed and a connection made
 * before the reload echoes on after it.
 */
class ReloadTest {
  private static final Duration RUN = Duration.ofSeconds(30);
  private static final Pattern PEM =
      Pattern.compile("-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----");

  @TempDir static Path dir;
  private static Pki pki;
  private static GeneratedCertificate renewedCa;
  private static GeneratedCertificate renewed;

  @BeforeAll
  static void certificates() {
    Peer.require(Peer.OPENSSL);
    pki = Pki.create(dir);
    renewedCa = CertificateGenerator.ca("niotls reload CA").generate();
    renewed =
        CertificateGenerator.leaf(Pki.NAME)
            .subjectAltNames(Pki.NAME, "localhost", "127.0.0.1")
            .issuer(renewedCa)
            .generate();
  }

  @ParameterizedTest(name = "{0} provider")
  @ValueSource(strings = {"jdk", "openssl"})
  void sighupServesTheRenewedCertificateWhileClientsConnectWithoutAFailure(String provider)
      throws Exception {
    Path cert = copy(pki.cert(), "sighup-" + provider + ".pem");
    Path key = copy(pki.key(), "sighup-" + provider + ".key");
    try (ChildProcess server = server(provider, cert, key)) {
      int port = portOf(server);
      assertThat(servedFingerprint(port)).isEqualTo(fingerprint(pki.cert()));

      ExecutorService pool = Executors.newSingleThreadExecutor();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger handshakes = new AtomicInteger();
      try (SSLSocket held = connect(port)) {
        echo(held, "before");
        Future<?> clients =
            pool.submit(
                () -> {
                  while (!stop.get()) {
                    try (SSLSocket s = connect(port)) {
                      echo(s, "ping");
                      handshakes.incrementAndGet();
                    }
                  }
                  return null;
                });
        awaitHandshakes(handshakes, 5);

        renewed.writeCertificatePem(cert);
        renewed.writePrivateKeyPem(key);
        hangUp(server);
        String reloaded = server.awaitLine(l -> l.startsWith("reloaded"), RUN);
        assertThat(reloaded).isEqualTo("reloaded " + fingerprint(cert) + " (SIGHUP)");

        int atReload = handshakes.get();
        awaitHandshakes(handshakes, atReload + 5);
        stop.set(true);
        clients.get(); // rethrows the first failed handshake or echo
        echo(held, "after"); // the live session kept its context
      } finally {
        pool.shutdownNow();
      }
      assertThat(servedFingerprint(port)).isEqualTo(fingerprint(cert));
      server.terminate();
      assertThat(server.waitFor(RUN)).isEqualTo(143); // 128 + SIGTERM, after the hook ran
      assertThat(server.err()).containsPattern("\\(\\d+ handshakes, 0 failed\\)");
    }
  }

  @ParameterizedTest(name = "{0} provider")
  @ValueSource(strings = {"jdk", "openssl"})
  void aKeyThatDoesNotMatchIsRefusedAndTheOldCertificateServesOn(String provider) throws Exception {
    Path cert = copy(pki.cert(), "bad-" + provider + ".pem");
    Path key = copy(pki.key(), "bad-" + provider + ".key");
    try (ChildProcess server = server(provider, cert, key)) {
      int port = portOf(server);
      renewed.writeCertificatePem(cert); // the new certificate, the old key
      hangUp(server);
      awaitErr(server, "reload failed (SIGHUP): ");
      assertThat(server.err())
          .contains("does not belong to the certificate")
          .contains("still serving " + fingerprint(pki.cert()));
      assertThat(servedFingerprint(port)).isEqualTo(fingerprint(pki.cert()));
    }
  }

  @ParameterizedTest(name = "{0} provider")
  @ValueSource(strings = {"jdk", "openssl"})
  void filesChangedOnDiskAreReloadedWithReloadOnChange(String provider) throws Exception {
    Path cert = copy(pki.cert(), "watch-" + provider + ".pem");
    Path key = copy(pki.key(), "watch-" + provider + ".key");
    try (ChildProcess server = server(provider, cert, key, "--reload-on-change")) {
      int port = portOf(server);
      // Replaced the way deployment tools do: written aside, then renamed over the old files.
      Path newCert = dir.resolve("next-" + provider + ".pem");
      Path newKey = dir.resolve("next-" + provider + ".key");
      renewed.writeCertificatePem(newCert);
      renewed.writePrivateKeyPem(newKey);
      Files.move(newCert, cert, StandardCopyOption.REPLACE_EXISTING);
      Files.move(newKey, key, StandardCopyOption.REPLACE_EXISTING);
      assertThat(server.awaitLine(l -> l.startsWith("reloaded"), RUN))
          .isEqualTo("reloaded " + fingerprint(cert) + " (files changed)");
      assertThat(servedFingerprint(port)).isEqualTo(fingerprint(cert));
    }
  }

  private static ChildProcess server(String provider, Path cert, Path key, String... more)
      throws Exception {
    String[] args = {
      "server",
      "tls://127.0.0.1:0",
      "--cert",
      cert.toString(),
      "--key",
      key.toString(),
      "--provider",
      provider
    };
    String[] all = new String[args.length + more.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return ChildProcess.java(Main.class, all);
  }

  private static int portOf(ChildProcess server) throws InterruptedException {
    return io.niotls.cli.Listening.parse(server.nextLine(NiotlsServer.START)).port();
  }

  private static void hangUp(ChildProcess server) throws Exception {
    try (ChildProcess kill = ChildProcess.program("kill", "-HUP", Long.toString(server.pid()))) {
      assertThat(kill.waitFor(RUN)).isZero();
    }
  }

  private static void awaitErr(ChildProcess server, String text) throws InterruptedException {
    long end = System.nanoTime() + RUN.toNanos();
    while (!server.err().contains(text) && System.nanoTime() < end) {
      Thread.sleep(50);
    }
    assertThat(server.err()).contains(text);
  }

  private static void awaitHandshakes(AtomicInteger handshakes, int n) throws Exception {
    long end = System.nanoTime() + RUN.toNanos();
    while (handshakes.get() < n && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    assertThat(handshakes.get()).as("handshakes by the JDK client").isGreaterThanOrEqualTo(n);
  }

  /** The sha256 of the leaf {@code openssl s_client} was served. */
  private static String servedFingerprint(int port) throws Exception {
    try (ChildProcess sClient =
        ChildProcess.program(
            "openssl", "s_client", "-connect", "127.0.0.1:" + port, "-servername", Pki.NAME)) {
      sClient.endInput();
      assertThat(sClient.waitFor(RUN)).isZero();
      Matcher m = PEM.matcher(sClient.out());
      assertThat(m.find())
          .as("s_client printed the server certificate: %s", sClient.out())
          .isTrue();
      return fingerprint(m.group().getBytes(StandardCharsets.US_ASCII));
    }
  }

  private static String fingerprint(Path pem) throws Exception {
    return fingerprint(Files.readAllBytes(pem));
  }

  private static String fingerprint(byte[] pem) throws Exception {
    X509Certificate c =
        (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem));
    return "sha256:"
        + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
  }

  /** A JDK client trusting both CAs: the test PKI's and the renewed certificate's issuer. */
  private static SSLSocket connect(int port) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("old", load(pki.ca()));
    trust.setCertificateEntry("new", renewedCa.certificate());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    SSLSocket s = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", port);
    s.setSoTimeout((int) RUN.toMillis());
    s.startHandshake();
    return s;
  }

  private static X509Certificate load(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  private static void echo(SSLSocket s, String text) throws Exception {
    byte[] sent = text.getBytes(StandardCharsets.US_ASCII);
    OutputStream out = s.getOutputStream();
    out.write(sent);
    out.flush();
    byte[] back = s.getInputStream().readNBytes(sent.length);
    assertThat(new String(back, StandardCharsets.US_ASCII)).isEqualTo(text);
  }

  private static Path copy(Path from, String name) throws Exception {
    return Files.copy(from, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }
}
