package io.niotls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.niotls.certs.CertificateGenerator;
import io.niotls.certs.GeneratedCertificate;
import io.niotls.testing.ChildProcess;
import io.niotls.testing.Ports;
import io.niotls.uri.AddressText;
import io.niotls.uri.TransportUri;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The commands running in this JVM: failures at run time, the embedded bench, SMTP STARTTLS. */
class RunTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** Reads the whole of stdout as one JSON document: text after it is an error too. */
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private static JsonNode json(Cli.Result r) {
    try {
      return JSON.readTree(r.out().strip());
    } catch (JsonProcessingException e) {
      throw new AssertionError("stdout is not one JSON document: " + r.out(), e);
    }
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
  void noReuseAddressOnAPortHeldByTimeWaitSaysSoInOneLine() throws Exception {
    int port = Ports.inTimeWait();
    Cli.Result r = Cli.run("server", "--no-reuse-address", "tls://127.0.0.1:" + port);
    assertThat(r.code()).isEqualTo(Main.FAILED);
    assertThat(r.err().strip())
        .isEqualTo(
            "niotls: address already in use: 127.0.0.1:"
                + port
                + " (address reuse is off: connections in TIME_WAIT, which linger a minute or two"
                + " after closing, may still hold the port, and address reuse, on by default, lets"
                + " a server bind despite them; or another socket listens there)");
    // what the message promises: without --no-reuse-address the port binds
    try (Cli.Background server =
        Cli.start("", "server", "tls://127.0.0.1:" + port, "--duration", "100ms")) {
      assertThat(Listening.parse(server.nextLine(WAIT)).port()).isEqualTo(port);
      assertThat(server.exitCode(WAIT)).isZero();
    }
  }

  @Test
  void aPlaintextClientAnsweredWithTlsFailsSayingToUseTls() throws Exception {
    // the JDK provider answers plaintext with an alert record, as GnuTLS does
    try (Cli.Background server =
        Cli.start(
            "", "server", "tls://127.0.0.1:0", "--provider", "jdk", "--max-connections", "1")) {
      int port = Listening.parse(server.nextLine(WAIT)).port();
      Cli.Result r = Cli.runWithInput("hello\n", "client", "127.0.0.1:" + port);
      assertThat(r.code()).isEqualTo(Main.FAILED);
      assertThat(r.out()).as("the alert is not printed").isEmpty();
      assertThat(r.err().strip())
          .isEqualTo(
              "niotls: the server at tcp://127.0.0.1:"
                  + port
                  + " answered with TLS (an alert record came back), not plaintext: use"
                  + " tls://127.0.0.1:"
                  + port);
      assertThat(server.exitCode(WAIT)).isZero();
    }
  }

  @Test
  void aTlsServerThatClosesOnPlaintextWithoutAWordLeavesANoteToUseTls(@TempDir Path dir)
      throws Exception {
    GeneratedCertificate cert = CertificateGenerator.leaf("localhost").generate();
    Path pem = dir.resolve("server.pem");
    Path key = dir.resolve("server.key");
    cert.writeCertificatePem(pem);
    cert.writePrivateKeyPem(key);
    try (ChildProcess openssl =
        ChildProcess.program(
            "openssl",
            "s_server",
            "-accept",
            "127.0.0.1:0",
            "-cert",
            pem.toString(),
            "-key",
            key.toString(),
            "-naccept",
            "1")) {
      String ready = openssl.nextLine(WAIT);
      while (!ready.startsWith("ACCEPT ")) {
        ready = openssl.nextLine(WAIT);
      }
      int port = Integer.parseInt(ready.substring(ready.lastIndexOf(':') + 1));
      Cli.Result r = Cli.runWithInput("hello\n", "client", "tcp://127.0.0.1:" + port);
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out()).isEmpty();
      assertThat(r.err().strip())
          .isEqualTo(
              "niotls: note: the server closed the connection without sending anything; if it"
                  + " speaks TLS, use tls://127.0.0.1:"
                  + port);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"\u0016\u0003Ahello\n", "\u0016\u0003", "\u0015"})
  void bytesThatOnlyBeginLikeATlsRecordAreEchoedAsData(String text) throws Exception {
    try (Cli.Background server =
        Cli.start("", "server", "tcp://127.0.0.1:0", "--max-connections", "1")) {
      int port = Listening.parse(server.nextLine(WAIT)).port();
      Cli.Result r =
          Cli.runWithInput(text, "client", "--linger", "300ms", "tcp://127.0.0.1:" + port);
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out()).isEqualTo(text);
      assertThat(r.err()).isEmpty();
      assertThat(server.exitCode(WAIT)).isZero();
    }
  }

  @Test
  void aServerOnAHostNameNamesEveryAddressItListensOn() throws Exception {
    List<InetSocketAddress> resolved = TransportUri.parse("tcp://localhost:1").resolveAll();
    try (Cli.Background server =
        Cli.start("", "server", "tcp://localhost:0", "--duration", "100ms")) {
      String line = server.nextLine(WAIT);
      int port = Listening.parse(line).port();
      String bound =
          resolved.stream()
              .map(a -> AddressText.of(new InetSocketAddress(a.getAddress(), port)))
              .collect(Collectors.joining(", "));
      assertThat(line).isEqualTo("listening tcp://localhost:" + port + " (on " + bound + ")");
      assertThat(server.exitCode(WAIT)).isZero();
    }
  }

  @Test
  void theListeningLineOfAHostNameEndsWithEachAddressCompressed() throws Exception {
    List<InetSocketAddress> both =
        List.of(
            new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8443),
            new InetSocketAddress(InetAddress.getByName("::1"), 8443));
    assertThat(ServerRunner.listeningLine(TransportUri.parse("tcp://localhost:8443"), both, null))
        .isEqualTo("listening tcp://localhost:8443 (on 127.0.0.1:8443, [::1]:8443)");
    assertThat(
            ServerRunner.listeningLine(
                TransportUri.parse("tcp://[::1]:8443"), both.subList(1, 2), null))
        .as("an IP literal is its own address")
        .isEqualTo("listening tcp://[::1]:8443");
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
    JsonNode json = json(r);
    assertThat(json.get("handshakes").longValue()).isEqualTo(60);
    assertThat(json.get("failures").longValue()).isZero();
    assertThat(json.get("provider").textValue()).isEqualTo(provider);
    assertThat(json.get("embedded").booleanValue()).isTrue();
    assertThat(json.get("resumed").longValue()).isZero();
    assertThat(json.get("key").textValue()).isEqualTo("ec");
    assertThat(json.at("/serverMemory/peakConnections").longValue()).isBetween(1L, 60L);
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
    JsonNode json = json(r);
    assertThat(json.get("handshakes").longValue()).isEqualTo(20);
    assertThat(json.get("resume").booleanValue()).isTrue();
    assertThat(json.get("resumed").longValue()).isEqualTo(20);
    assertThat(json.get("protocol").textValue()).isEqualTo("TLSv1.2");
  }

  @ParameterizedTest(name = "{0} {1}, {2} at a time")
  @CsvSource({
    "openssl, TLSv1.3, 4",
    "openssl, TLSv1.2, 4",
    "boringssl, TLSv1.3, 4",
    "boringssl, TLSv1.2, 4",
    "jdk, TLSv1.2, 4",
    // SunJSSE keeps one TLS 1.3 session per server and forgets it once offered: overlapping
    // clients each resume only because niotls spreads them over several SunJSSE caches
    "jdk, TLSv1.3, 4",
    "jdk, TLSv1.3, 10"
  })
  void clientsThatHandshakeAndCloseResumeTheirNextConnection(
      String provider, String protocol, String concurrency) {
    // The server's TLS 1.3 tickets arrive after our Finished: the client waits for them (a few ms
    // at most) before its close_notify, which Netty's engine would otherwise send first.
    Cli.Result r =
        Cli.run(
            "bench",
            "-n",
            "100",
            "-c",
            concurrency,
            "--resume",
            "--provider",
            provider,
            "--protocol",
            protocol,
            "--json",
            "--no-progress");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode json = json(r);
    assertThat(json.get("handshakes").longValue()).isEqualTo(100);
    assertThat(json.get("protocol").textValue()).isEqualTo(protocol);
    assertThat(json.get("resumed").longValue()).isGreaterThanOrEqualTo(99);
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
    JsonNode json = json(r);
    assertThat(json.get("handshakes").longValue()).isZero();
    assertThat(json.get("failures").longValue()).isEqualTo(6);
    assertThat(json.get("failuresByReason"))
        .isEqualTo(JSON.createObjectNode().put("connect: Connection refused", 6));
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
      JsonNode json = json(r);
      assertThat(json.get("handshakes").longValue()).isEqualTo(10);
      assertThat(json.get("failures").longValue()).isZero();
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
    JsonNode json = json(r);
    assertThat(json.get("stoppedByDuration").booleanValue()).isTrue();
    assertThat(json.get("failures").longValue()).isZero();
    assertThat(json.get("handshakes").longValue()).isBetween(1L, 999_999L);
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
