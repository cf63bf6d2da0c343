package io.niotls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.niotls.testing.ChildProcess;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The niotls command as separate processes: a server, the client and bench against it, and real
 * peers (openssl s_client, curl) against the server's modes. Every process is destroyed at the end,
 * and every wait is bounded.
 */
class EndToEndTest {
  private static final Duration START = Duration.ofSeconds(30);
  private static final Duration RUN = Duration.ofSeconds(60);

  private static ChildProcess echoServer;
  private static Listening echo;

  @BeforeAll
  static void startEchoServer() throws Exception {
    echoServer = ChildProcess.java(Main.class, "server", "tls://127.0.0.1:0");
    echo = Listening.parse(echoServer.nextLine(START));
  }

  @AfterAll
  static void stopEchoServer() throws Exception {
    if (echoServer != null) {
      echoServer.close();
    }
  }

  @Test
  void theClientSendsStdinAndPrintsTheEchoThenEndsCleanly() throws Exception {
    try (ChildProcess client =
        ChildProcess.java(
            Main.class, "client", echo.uri().toString(), "--pin", echo.fingerprint())) {
      client.write("hello, niotls\nsecond line\n").endInput();
      assertThat(client.waitFor(RUN)).as(client.err()).isZero();
      assertThat(client.out()).isEqualTo("hello, niotls\nsecond line\n");
      assertThat(client.err())
          .contains("connected to " + echo.uri())
          .contains("protocol     TLSv1.3")
          .contains("peer         CN=localhost")
          .contains("fingerprint  " + echo.fingerprint())
          .contains("resumed      no");
    }
  }

  @Test
  void benchLoadsTheServerAndReportsJson() throws Exception {
    try (ChildProcess bench =
        ChildProcess.java(
            Main.class,
            "bench",
            echo.uri().toString(),
            "--pin",
            echo.fingerprint(),
            "--connections",
            "200",
            "--concurrency",
            "20",
            "--json")) {
      assertThat(bench.waitFor(RUN)).as(bench.err()).isZero();
      JsonNode json =
          JsonMapper.builder()
              .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
              .build()
              .readTree(bench.out().strip());
      assertThat(json.get("handshakes").longValue()).isEqualTo(200);
      assertThat(json.get("failures").longValue()).isZero();
      assertThat(json.get("protocol").textValue()).isEqualTo("TLSv1.3");
      assertThat(json.get("resumed").longValue()).isZero();
      assertThat(json.get("embedded").booleanValue()).isFalse();
      assertThat(json.get("provider").isTextual()).isTrue();
      assertThat(json.get("handshakesPerSecond").doubleValue()).isPositive();
      JsonNode latency = json.get("latencyMs");
      assertThat(latency.get("p50").doubleValue()).isPositive();
      assertThat(latency.get("max").doubleValue())
          .isGreaterThanOrEqualTo(latency.get("p99").doubleValue());
      assertThat(json.get("serverMemory").isNull()).isTrue();
    }
  }

  @Test
  void opensslStartTlsSmtpCompletesAndCommandsAreAnswered() throws Exception {
    try (ChildProcess server =
        ChildProcess.java(Main.class, "server", "--starttls", "smtp", "tcp://127.0.0.1:0")) {
      Listening smtp = Listening.parse(server.nextLine(START));
      assertThat(smtp.uri().toString()).startsWith("tcp://");
      try (ChildProcess openssl =
          ChildProcess.program(
              "openssl",
              "s_client",
              "-starttls",
              "smtp",
              "-connect",
              "127.0.0.1:" + smtp.port(),
              "-quiet",
              "-crlf")) {
        // -quiet implies -ign_eof: s_client runs until the server's 221 closes the connection
        openssl.write("hello over starttls\nNOOP\nQUIT\n").endInput();
        assertThat(openssl.waitFor(RUN)).as(openssl.err()).isZero();
        assertThat(openssl.out())
            .isEqualTo(
                "500 5.5.2 Syntax error, command unrecognized\n"
                    + "250 2.0.0 OK\n"
                    + "221 2.0.0 localhost closing connection\n");
      }
    }
  }

  @Test
  void curlGetsThePageWithTheNegotiatedProtocol() throws Exception {
    try (ChildProcess server =
        ChildProcess.java(Main.class, "server", "--mode", "http", "tls://127.0.0.1:0")) {
      Listening http = Listening.parse(server.nextLine(START));
      try (ChildProcess curl =
          ChildProcess.program(
              "curl", "-sS", "-k", "--max-time", "20", "https://127.0.0.1:" + http.port() + "/")) {
        assertThat(curl.waitFor(RUN)).as(curl.err()).isZero();
        assertThat(curl.out())
            .contains("protocol:            TLSv1.3")
            .contains("alpn:                http/1.1")
            .contains("request:             GET / HTTP/1.1");
      }
    }
  }

  @Test
  void sigtermStopsTheServerGracefully() throws Exception {
    try (ChildProcess server = ChildProcess.java(Main.class, "server", "tls://127.0.0.1:0")) {
      Listening.parse(server.nextLine(START));
      server.terminate();
      assertThat(server.waitFor(RUN)).isEqualTo(143); // 128 + SIGTERM, after the hook ran
      assertThat(server.err()).contains("stopped: 0 connections served");
    }
  }

  @Test
  void theServerAndClientWorkOverIpv6Loopback() throws Exception {
    try (ChildProcess server =
        ChildProcess.java(Main.class, "server", "tls://[::1]:0", "--max-connections", "1")) {
      Listening v6 = Listening.parse(server.nextLine(START));
      assertThat(v6.uri().host()).isEqualTo("::1");
      try (ChildProcess client =
          ChildProcess.java(Main.class, "client", v6.uri().toString(), "--pin", v6.fingerprint())) {
        client.write("over ipv6\n").endInput();
        assertThat(client.waitFor(RUN)).as(client.err()).isZero();
        assertThat(client.out()).isEqualTo("over ipv6\n");
      }
      // --max-connections 1: the server stops by itself after the client's connection
      assertThat(server.waitFor(RUN)).as(server.err()).isZero();
      assertThat(server.err()).contains("stopped: 1 connections served (1 handshakes, 0 failed)");
    }
  }
}
