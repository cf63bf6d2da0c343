package io.niotls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.niotls.testing.ChildProcess;
import io.niotls.testing.TestPki;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code niotls bench dtls://}: against its embedded DTLS echo server, against {@code openssl
 * s_server -dtls1_2}, against nothing, and what it refuses.
 */
class DatagramBenchTest {
  private static final Duration START = Duration.ofSeconds(15);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static JsonNode json(Cli.Result r) {
    try {
      return JSON.readTree(r.out().strip());
    } catch (JsonProcessingException e) {
      throw new AssertionError("stdout is not one JSON document: " + r.out() + r.err(), e);
    }
  }

  /** A UDP port on 127.0.0.1 that nothing holds now. */
  private static int freeUdpPort() throws IOException {
    try (DatagramChannel probe = DatagramChannel.open()) {
      probe.bind(new InetSocketAddress("127.0.0.1", 0));
      return ((InetSocketAddress) probe.getLocalAddress()).getPort();
    }
  }

  private static int count(String haystack, String needle) {
    Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(haystack);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  /** Waits until {@code server}'s stdout holds {@code text} {@code times} times. */
  private static String awaitCount(ChildProcess server, String text, int times)
      throws InterruptedException {
    long deadline = System.nanoTime() + START.toNanos();
    while (count(server.out(), text) < times && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return server.out();
  }

  private ChildProcess opensslServer(int port) throws IOException {
    TestPki pki = TestPki.ec();
    pki.ca().writeCertificatePem(dir.resolve("ca.pem"));
    pki.server().writeCertificatePem(dir.resolve("cert.pem"));
    pki.server().writePrivateKeyPem(dir.resolve("key.pem"));
    // s_server reads its stdin, which ChildProcess keeps open: at its end it would stop
    return ChildProcess.inDirectory(
        dir,
        "openssl",
        "s_server",
        "-dtls1_2",
        "-accept",
        "127.0.0.1:" + port,
        "-cert",
        "cert.pem",
        "-key",
        "key.pem");
  }

  @Test
  void theEmbeddedBenchMakesEveryDtlsHandshakeAndEchoesEachDatagram() {
    Cli.Result r = Cli.run("bench", "dtls://", "-n", "50", "-c", "5", "--warmup", "0", "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode json = json(r);
    assertThat(json.get("handshakes").longValue()).isEqualTo(50);
    assertThat(json.get("failures").longValue()).isZero();
    assertThat(json.get("failuresByReason").size()).isZero();
    assertThat(json.get("embedded").booleanValue()).isTrue();
    assertThat(json.get("target").textValue()).matches("dtls://127\\.0\\.0\\.1:[1-9][0-9]*");
    assertThat(json.get("connections").longValue()).isEqualTo(50);
    assertThat(json.get("concurrency").longValue()).isEqualTo(5);
    assertThat(json.get("provider").textValue()).isEqualTo("JDK");
    assertThat(json.get("protocol").textValue()).isEqualTo("DTLSv1.2");
    assertThat(json.get("cipher").textValue()).startsWith("TLS_ECDHE_ECDSA_WITH_AES_");
    assertThat(json.get("resumed").longValue()).isZero();
    assertThat(json.get("key").textValue()).isEqualTo("ec");
    assertThat(json.get("handshakesPerSecond").doubleValue()).isPositive();
    assertThat(json.at("/latencyMs/p50").doubleValue()).isPositive();
    assertThat(json.at("/latencyMs/max").doubleValue())
        .isGreaterThanOrEqualTo(json.at("/latencyMs/p99").doubleValue());
    assertThat(json.get("mtu").intValue()).isEqualTo(1400);
    assertThat(json.get("payloadBytes").intValue()).isEqualTo(1024);
    assertThat(json.get("roundTrips").longValue()).isEqualTo(50);
    assertThat(json.at("/roundTripMs/p50").doubleValue()).isPositive();
    assertThat(json.at("/roundTripMs/max").doubleValue())
        .isGreaterThanOrEqualTo(json.at("/roundTripMs/p90").doubleValue());
  }

  @Test
  void withoutConcurrencyTheDtlsBenchKeepsTwentyInFlight() {
    Cli.Result r = Cli.run("bench", "dtls://", "-n", "20", "--warmup", "0", "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode json = json(r);
    assertThat(json.get("concurrency").intValue())
        .isEqualTo(DatagramBenchRunner.DEFAULT_CONCURRENCY)
        .isEqualTo(20);
    assertThat(json.get("handshakes").longValue()).isEqualTo(20);
  }

  @Test
  void theTextReportHasTheTlsBenchShapeAndTheRoundTrips() {
    Cli.Result r =
        Cli.run(
            "bench",
            "dtls://",
            "-n",
            "10",
            "-c",
            "2",
            "--warmup",
            "2",
            "--key",
            "rsa",
            "--mtu",
            "1200",
            "--payload",
            "500",
            "--no-progress");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .startsWith("niotls bench: 10 handshakes, 0 failures in ")
        .contains(
            "against the embedded server dtls://127.0.0.1:",
            "handshakes/s",
            "latency ms     p50 ",
            "RSA 2048 key",
            "negotiated     DTLSv1.2, TLS_ECDHE_RSA_WITH_AES_",
            "failures       none",
            "round trips    10 datagrams of 500 bytes echoed; ms p50 ",
            "mtu            1200 bytes");
  }

  @Test
  void opensslServesEveryHandshakeAndHearsEachCloseNotify() throws Exception {
    int port = freeUdpPort();
    try (ChildProcess openssl = opensslServer(port)) {
      openssl.await("ACCEPT", START);
      // s_server serves one DTLS peer at a time, and does not echo
      Cli.Result r =
          Cli.run(
              "bench",
              "dtls://localhost:" + port,
              "--trust",
              dir.resolve("ca.pem").toString(),
              "-n",
              "10",
              "-c",
              "1",
              "--warmup",
              "0",
              "--payload",
              "0",
              "--json");
      assertThat(r.code()).as(r.err()).isZero();
      JsonNode json = json(r);
      assertThat(json.get("handshakes").longValue()).isEqualTo(10);
      assertThat(json.get("failures").longValue()).isZero();
      assertThat(json.get("embedded").booleanValue()).isFalse();
      assertThat(json.get("protocol").textValue()).isEqualTo("DTLSv1.2");
      assertThat(json.get("roundTrips").longValue()).isZero();
      // one "CIPHER is" per handshake openssl finished, one "DONE" per close_notify it read
      String said = awaitCount(openssl, "DONE", 10);
      assertThat(count(said, "CIPHER is ECDHE-ECDSA-AES")).as(said).isEqualTo(10);
      assertThat(count(said, "DONE")).as(said).isEqualTo(10);
    }
  }

  @Test
  void aServerThatDoesNotEchoFailsEachConnectionAsAnEchoTimeout() throws Exception {
    int port = freeUdpPort();
    try (ChildProcess openssl = opensslServer(port)) {
      openssl.await("ACCEPT", START);
      Cli.Result r =
          Cli.run(
              "bench",
              "dtls://localhost:" + port,
              "--trust",
              dir.resolve("ca.pem").toString(),
              "-n",
              "3",
              "-c",
              "1",
              "--warmup",
              "0",
              "--payload",
              "100",
              "--handshake-timeout",
              "2s",
              "--json");
      assertThat(r.code()).as(r.err()).isEqualTo(Main.FAILED);
      JsonNode json = json(r);
      assertThat(json.get("handshakes").longValue()).isZero();
      assertThat(json.get("failures").longValue()).isEqualTo(3);
      assertThat(json.get("failuresByReason"))
          .isEqualTo(JSON.createObjectNode().put("timeout: echo", 3));
      // openssl printed each datagram it was sent: the payload did arrive, whole
      String payload =
          StandardCharsets.US_ASCII.decode(DatagramBenchRunner.payload(100)).toString();
      String said = awaitCount(openssl, payload, 3);
      assertThat(count(said, payload)).as(said).isEqualTo(3);
    }
  }

  @Test
  void aPortWhereNothingListensFailsEveryHandshakeAndTheRun() throws Exception {
    Cli.Result r =
        Cli.run(
            "bench",
            "dtls://127.0.0.1:" + freeUdpPort(),
            "--insecure",
            "-n",
            "4",
            "-c",
            "4",
            "--warmup",
            "0",
            "--handshake-timeout",
            "1s",
            "--json");
    assertThat(r.code()).as(r.err()).isEqualTo(Main.FAILED);
    JsonNode json = json(r);
    assertThat(json.get("handshakes").longValue()).isZero();
    assertThat(json.get("failuresByReason"))
        .isEqualTo(JSON.createObjectNode().put("timeout: handshake", 4));
  }

  private static String error(String... args) {
    Cli.Result r = Cli.run(args);
    assertThat(r.code())
        .as("exit code of %s: %s", String.join(" ", args), r.err())
        .isEqualTo(Main.USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().strip()).startsWith("niotls: ").doesNotContain("\n");
    return r.err().strip();
  }

  @ParameterizedTest(name = "--provider {0}")
  @ValueSource(strings = {"openssl", "boringssl"})
  void aNativeProviderIsRefusedWithTheCoresReason(String provider) {
    assertThat(error("bench", "dtls://", "--provider", provider))
        .isEqualTo(
            "niotls: DTLS was asked for with the "
                + provider.toUpperCase(java.util.Locale.ROOT)
                + " provider, but netty-tcnative does not expose BoringSSL's DTLS: use the JDK"
                + " provider (provider(Provider.JDK), or AUTO, which picks it for datagrams)");
  }

  @Test
  void badUrlsAreRefusedWithTheReason() {
    assertThat(error("bench", "dtls://127.0.0.1"))
        .isEqualTo(
            "niotls: bad transport URI \"dtls://127.0.0.1\": port is missing; expected"
                + " scheme://host:port, e.g. tls://example.com:443");
    assertThat(error("bench", "dtlsv1://127.0.0.1:5"))
        .startsWith("niotls: bad transport URI \"dtlsv1://127.0.0.1:5\": dtlsv1:// is refused:")
        .contains("DTLS 1.0 is insecure");
    assertThat(error("bench", "dtls://127.0.0.1:0"))
        .isEqualTo(
            "niotls: cannot connect to port 0 in dtls://127.0.0.1:0: give the server's port, or"
                + " dtls:// alone for an embedded server");
  }

  @Test
  void udpIsRefusedForHavingNoHandshakeToMeasure() {
    assertThat(error("bench", "udp://127.0.0.1:5"))
        .isEqualTo(
            "niotls: bench measures DTLS handshakes and udp:// has none: give a dtls:// URI (or"
                + " dtls:// alone for an embedded server)");
  }

  @Test
  void optionsThatDoNotFitTheTransportAreRefused() {
    assertThat(error("bench", "dtls://", "--mtu", "100"))
        .isEqualTo(
            "niotls: --mtu 100 is out of range 256-65507: the largest datagram the path carries,"
                + " e.g. 1400");
    assertThat(error("bench", "dtls://", "--payload", "2000"))
        .isEqualTo(
            "niotls: --payload 2000 is out of range 0-1400: the bytes echoed after each"
                + " handshake, at most one datagram (--mtu)");
    assertThat(error("bench", "dtls://", "--resume"))
        .isEqualTo("niotls: --resume is for tls://: the DTLS bench measures full handshakes only");
    assertThat(error("bench", "dtls://", "--alpn", "h2"))
        .isEqualTo(
            "niotls: --protocols and --alpn are for TLS; dtls:// speaks DTLS 1.2 without ALPN");
    assertThat(error("bench", "--mtu", "1200"))
        .isEqualTo("niotls: --mtu and --payload are for dtls://; tls:// has no datagrams");
  }
}
