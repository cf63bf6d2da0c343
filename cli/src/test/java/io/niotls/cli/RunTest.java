package io.niotls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.context.CertificateGenerator;
import io.niotls.context.GeneratedCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The commands running in this JVM: failures at run time, the embedded bench, SMTP STARTTLS. */
class RunTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static Map<String, Object> json(Cli.Result r) {
    return MiniJson.object(r.out().strip());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void aPortInUseIsAOneLineFailure() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Cli.Result r = Cli.run("server", "tls://127.0.0.1:" + taken.getLocalPort());
      assertThat(r.code()).isEqualTo(Main.FAILED);
      assertThat(r.err().strip())
          .isEqualTo(
              "niotls: address already in use: 127.0.0.1:"
                  + taken.getLocalPort()
                  + " (another socket listens there; pick another port or stop it)");
      assertThat(r.out()).isEmpty();
    }
  }

  @Test
  void aRefusedConnectionIsAOneLineFailure() throws IOException {
    int port = freePort();
    Cli.Result r = Cli.run("client", "--insecure", "tls://127.0.0.1:" + port);
    assertThat(r.code()).isEqualTo(Main.FAILED);
    assertThat(r.err().strip())
        .startsWith("niotls: cannot connect to 127.0.0.1:" + port + ": Connection refused")
        .doesNotContain("\n");
  }

  @Test
  void theServerStopsAfterItsDurationAndSaysSo() throws Exception {
    try (Cli.Background server =
        Cli.start("", "server", "tls://127.0.0.1:0", "--duration", "300ms")) {
      Listening.parse(server.nextLine(WAIT));
      assertThat(server.exitCode(WAIT)).isZero();
      assertThat(server.err())
          .isEqualTo("stopped: 0 connections served (0 handshakes, 0 failed)\n");
    }
  }

  @Test
  void anUntrustedServerCertificateIsRefusedInOneLine() throws Exception {
    try (Cli.Background server =
        Cli.start("", "server", "tls://127.0.0.1:0", "--max-connections", "1")) {
      Listening listening = Listening.parse(server.nextLine(WAIT));
      // no --pin, --trust or --insecure: the system CAs do not know the self-signed certificate
      Cli.Result r = Cli.run("client", listening.uri().toString());
      assertThat(r.code()).isEqualTo(Main.FAILED);
      assertThat(r.err().strip())
          .startsWith("niotls: TLS with " + listening.uri() + " failed: ")
          .doesNotContain("\n");
      assertThat(server.exitCode(WAIT)).isZero();
    }
  }

  @Test
  void aWrongPinIsRefused() throws Exception {
    try (Cli.Background server =
        Cli.start("", "server", "tls://127.0.0.1:0", "--max-connections", "1")) {
      Listening listening = Listening.parse(server.nextLine(WAIT));
      Cli.Result r =
          Cli.run("client", "--pin", "sha256:" + "ab".repeat(32), listening.uri().toString());
      assertThat(r.code()).isEqualTo(Main.FAILED);
      assertThat(r.err()).startsWith("niotls: TLS with " + listening.uri() + " failed: ");
      assertThat(server.exitCode(WAIT)).isZero();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"JDK", "OPENSSL"})
  void theEmbeddedBenchMakesEveryHandshake(String provider) {
    Cli.Result r =
        Cli.run("bench", "-n", "60", "-c", "12", "--provider", provider, "--json", "--no-progress");
    assertThat(r.code()).as(r.err()).isZero();
    Map<String, Object> json = json(r);
    assertThat(json)
        .containsEntry("handshakes", 60.0)
        .containsEntry("failures", 0.0)
        .containsEntry("provider", provider)
        .containsEntry("embedded", true)
        .containsEntry("resumed", 0.0)
        .containsEntry("key", "ec");
    @SuppressWarnings("unchecked")
    Map<String, Object> memory = (Map<String, Object>) json.get("serverMemory");
    assertThat((Double) memory.get("peakConnections")).isBetween(1.0, 60.0);
  }

  @Test
  void resumedHandshakesAreCountedAsSuch() {
    // TLS 1.2 with the JDK: a session id resumes as soon as the first handshake ends
    Cli.Result r =
        Cli.run(
            "bench",
            "-n",
            "20",
            "-c",
            "4",
            "--resume",
            "--provider",
            "jdk",
            "--protocol",
            "TLSv1.2",
            "--json",
            "--no-progress");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(json(r))
        .containsEntry("handshakes", 20.0)
        .containsEntry("resume", true)
        .containsEntry("resumed", 20.0)
        .containsEntry("protocol", "TLSv1.2");
  }

  @Test
  void theTextReportNamesRateAndLatency() {
    Cli.Result r = Cli.run("bench", "-n", "20", "-c", "5", "--key", "rsa", "--no-progress");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .startsWith("niotls bench: 20 handshakes, 0 failures in ")
        .contains("handshakes/s", "latency ms     p50 ", "RSA 2048 key", "failures       none");
  }

  @Test
  void benchFailuresAreCountedByReasonAndFailTheRun() throws IOException {
    int port = freePort();
    Cli.Result r =
        Cli.run("bench", "--insecure", "-n", "6", "-c", "3", "--json", "tls://127.0.0.1:" + port);
    assertThat(r.code()).isEqualTo(Main.FAILED);
    Map<String, Object> json = json(r);
    assertThat(json).containsEntry("handshakes", 0.0).containsEntry("failures", 6.0);
    assertThat(json.get("failuresByReason")).isEqualTo(Map.of("connect: Connection refused", 6.0));
    assertThat(r.err()).contains("niotls: warm-up stopped after ").contains("Connection refused");
  }

  @Test
  void warmUpConnectionsAreMadeButNotCounted() throws Exception {
    try (Cli.Background server =
        Cli.start("", "server", "tls://127.0.0.1:0", "--max-connections", "25")) {
      Listening listening = Listening.parse(server.nextLine(WAIT));
      Cli.Result r =
          Cli.run(
              "bench",
              "--insecure",
              "-n",
              "10",
              "-c",
              "4",
              "--warmup",
              "15",
              "--json",
              "--no-progress",
              listening.uri().toString());
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(json(r)).containsEntry("handshakes", 10.0).containsEntry("failures", 0.0);
      assertThat(server.exitCode(WAIT)).isZero();
      assertThat(server.err())
          .isEqualTo("stopped: 25 connections served (25 handshakes, 0 failed)\n");
    }
  }

  @Test
  void theClientSpeaksSmtpUpToStartTlsThenTls() throws Exception {
    try (Cli.Background server =
        Cli.start(
            "", "server", "--starttls", "smtp", "tcp://127.0.0.1:0", "--max-connections", "1")) {
      Listening smtp = Listening.parse(server.nextLine(WAIT));
      Cli.Result client =
          Cli.run(
              "client",
              "--starttls",
              "smtp",
              "--pin",
              smtp.fingerprint(),
              "--linger",
              "100ms",
              smtp.uri().toString());
      assertThat(client.code()).as(client.err()).isZero();
      assertThat(client.err())
          .contains("S: 220 localhost ESMTP niotls")
          .contains("C: STARTTLS")
          .contains("S: 220 2.0.0 Ready to start TLS")
          .contains("protocol     TLSv1.3");
      assertThat(server.exitCode(WAIT)).isZero();
    }
  }

  @Test
  void aSilentSmtpServerEndsTheClientAtItsDeadline() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Cli.Result r =
          Cli.run(
              "client",
              "--starttls",
              "smtp",
              "--insecure",
              "--handshake-timeout",
              "500ms",
              "tcp://127.0.0.1:" + silent.getLocalPort());
      assertThat(r.code()).isEqualTo(Main.FAILED);
      assertThat(r.err().strip())
          .isEqualTo(
              "niotls: the SMTP server at tcp://127.0.0.1:"
                  + silent.getLocalPort()
                  + " did not get to TLS within 1 s");
    }
  }

  @Test
  void commandsSentWithStartTlsInOnePacketAreRefused() throws Exception {
    try (Cli.Background server =
            Cli.start(
                "", "server", "--starttls", "smtp", "tcp://127.0.0.1:0", "--max-connections", "1");
        Socket socket = new Socket()) {
      Listening smtp = Listening.parse(server.nextLine(WAIT));
      socket.connect(smtp.uri().resolve(), 10_000);
      socket.setSoTimeout(10_000);
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      assertThat(readReply(in)).startsWith("220 ");
      out.write("EHLO attacker\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(readReply(in)).contains("250 STARTTLS");
      // CVE-2011-0411: a command after STARTTLS in the same packet must never be answered
      out.write(
          "STARTTLS\r\nMAIL FROM:<evil@example.test>\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String rest = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      // the server closes the connection; whether its 220 went out first is the loop's choice
      assertThat(rest).isIn("", "220 2.0.0 Ready to start TLS\r\n");
      assertThat(server.exitCode(WAIT)).isZero();
    }
  }

  @Test
  void benchStopsStartingConnectionsAtItsDuration() {
    long begin = System.nanoTime();
    Cli.Result r =
        Cli.run("bench", "-n", "1000000", "-c", "4", "--duration", "1s", "--json", "--no-progress");
    assertThat(r.code()).as(r.err()).isZero();
    Map<String, Object> json = json(r);
    assertThat(json).containsEntry("stoppedByDuration", true).containsEntry("failures", 0.0);
    assertThat((Double) json.get("handshakes")).isBetween(1.0, 999_999.0);
    assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void alpnIsNegotiatedAndShownByTheClient() throws Exception {
    try (Cli.Background server =
        Cli.start(
            "",
            "server",
            "tls://127.0.0.1:0",
            "--alpn",
            "x-niotls,http/1.1",
            "--max-connections",
            "1")) {
      Listening listening = Listening.parse(server.nextLine(WAIT));
      Cli.Result client =
          Cli.run(
              "client",
              "--alpn",
              "x-niotls",
              "--pin",
              listening.fingerprint(),
              "--linger",
              "100ms",
              listening.uri().toString());
      assertThat(client.code()).as(client.err()).isZero();
      assertThat(client.err()).contains("alpn         x-niotls");
      assertThat(server.exitCode(WAIT)).isZero();
    }
  }

  @Test
  void aRequiredClientCertificateIsAskedForAndShownOnThePage(@TempDir Path dir) throws Exception {
    GeneratedCertificate ca = CertificateGenerator.ca("niotls test CA").generate();
    GeneratedCertificate user = CertificateGenerator.leaf("niotls user").issuer(ca).generate();
    Path caPem = dir.resolve("ca.pem");
    Path userPem = dir.resolve("user.pem");
    Path userKey = dir.resolve("user.key");
    ca.writeCertificatePem(caPem);
    user.writeCertificatePem(userPem);
    user.writePrivateKeyPem(userKey);
    try (Cli.Background server =
        Cli.start(
            "",
            "server",
            "tls://127.0.0.1:0",
            "--mode",
            "http",
            "--client-auth",
            "require",
            "--trust",
            caPem.toString(),
            "--max-connections",
            "2")) {
      Listening listening = Listening.parse(server.nextLine(WAIT));
      String request = "GET /whoami HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
      Cli.Result with =
          Cli.runWithInput(
              request,
              "client",
              "--pin",
              listening.fingerprint(),
              "--cert",
              userPem.toString(),
              "--key",
              userKey.toString(),
              listening.uri().toString());
      assertThat(with.code()).as(with.err()).isZero();
      assertThat(with.out())
          .startsWith("HTTP/1.1 200 OK\r\n")
          .contains("client certificate:  CN=niotls user")
          .contains("request:             GET /whoami HTTP/1.1");
      Cli.Result without =
          Cli.runWithInput(
              request, "client", "--pin", listening.fingerprint(), listening.uri().toString());
      assertThat(without.code()).isEqualTo(Main.FAILED);
      assertThat(without.out()).doesNotContain("HTTP/1.1 200");
      assertThat(server.exitCode(WAIT)).isZero();
    }
  }

  /** Reads one SMTP reply, all its lines, from a blocking socket. */
  private static String readReply(InputStream in) throws IOException {
    StringBuilder reply = new StringBuilder();
    StringBuilder line = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0) {
      line.append((char) b);
      if (b == '\n') {
        reply.append(line);
        if (line.length() < 4 || line.charAt(3) != '-') {
          return reply.toString();
        }
        line.setLength(0);
      }
    }
    return reply.append(line).toString();
  }
}
