package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.certs.CertificateGenerator;
import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.certs.GeneratedCertificate;
import io.niotls.context.Provider;
import io.niotls.context.SniMapping;
import io.niotls.context.TlsConfigException;
import io.niotls.context.TlsContext;
import io.niotls.engine.Status;
import io.niotls.engine.TlsEngine;
import io.niotls.testing.ChildProcess;
import io.niotls.testing.Contexts;
import io.niotls.testing.TestPki;
import io.niotls.transport.MemoryTransport;
import io.niotls.uri.TransportUri;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One {@link TlsServer} listener with several certificates, chosen by the ClientHello's server name
 * and then by key type, judged by {@code openssl s_client}: which certificate it was sent, and the
 * alert it got when a strict server refused its name. Every provider.
 */
class SniServerTest {
  private static final Duration LIMIT = Duration.ofSeconds(20);
  private static final Map<Provider, Sites> SITES = new ConcurrentHashMap<>();

  @TempDir Path dir;

  @ParameterizedTest
  @MethodSource("io.niotls.testing.Matrix#providers")
  void eachNameGetsItsCertificateAndUnknownOrNoNameGetsTheDefault(Provider provider)
      throws Exception {
    Sites sites = Sites.of(provider);
    try (TlsServer server = bind(sites.mapping(false))) {
      assertThat(served(server, "-servername", "a.test")).contains("subject=CN = a.test");
      assertThat(served(server, "-servername", "b.test")).contains("subject=CN = b.test");
      assertThat(served(server, "-servername", "x.wild.test")).contains("subject=CN = *.wild.test");
      assertThat(served(server, "-servername", "y.x.wild.test"))
          .as("a wildcard covers one label")
          .contains("subject=CN = localhost");
      assertThat(served(server, "-servername", "unknown.test")).contains("subject=CN = localhost");
      assertThat(served(server, "-noservername")).contains("subject=CN = localhost");
      assertThat(server.stats().handshakesCompleted()).isEqualTo(6);
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.testing.Matrix#providers")
  void aStrictServerRefusesAnUnknownNameWithUnrecognizedName(Provider provider) throws Exception {
    Sites sites = Sites.of(provider);
    try (TlsServer server = bind(sites.mapping(true))) {
      ChildProcess refused = sClient(server, "-servername", "unknown.test");
      assertThat(refused.exitValue()).isNotZero();
      assertThat(refused.out() + refused.err())
          .contains("unrecognized name")
          .contains("alert number 112")
          .doesNotContain("subject=");

      assertThat(served(server, "-servername", "a.test")).contains("subject=CN = a.test");
      assertThat(served(server, "-noservername"))
          .as("a client without SNI is not refused")
          .contains("subject=CN = localhost");
      ServerStats stats = server.stats();
      assertThat(stats.handshakesFailed()).isEqualTo(1);
      assertThat(stats.handshakesCompleted()).isEqualTo(2);
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.testing.Matrix#providers")
  void anEcAndAnRsaCertificateForOneNameGoEachToTheClientsThatVerifyThem(Provider provider)
      throws Exception {
    Sites sites = Sites.of(provider);
    try (TlsServer server = bind(sites.mapping(false))) {
      String ec = "Server public key is 256 bit";
      String rsa = "Server public key is 2048 bit";
      assertThat(served(server, "-servername", "both.test")).contains(ec);
      assertThat(served(server, "-servername", "both.test", "-sigalgs", "RSA-PSS+SHA256"))
          .contains(rsa)
          .contains("Peer signature type: RSA-PSS");
      assertThat(served(server, "-servername", "both.test", "-sigalgs", "ECDSA+SHA256"))
          .contains(ec);
      assertThat(
              served(
                  server,
                  "-servername",
                  "both.test",
                  "-tls1_2",
                  "-cipher",
                  "ECDHE-RSA-AES128-GCM-SHA256"))
          .contains(rsa)
          .contains("Protocol  : TLSv1.2");
      assertThat(
              served(
                  server,
                  "-servername",
                  "both.test",
                  "-tls1_2",
                  "-cipher",
                  "ECDHE-ECDSA-AES128-GCM-SHA256"))
          .contains(ec);
      assertThat(served(server, "-noservername", "-sigalgs", "RSA-PSS+SHA256"))
          .as("the default has both key types too")
          .contains(rsa)
          .contains("subject=CN = localhost");
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.testing.Matrix#providers")
  void aClientHelloArrivingOneByteAtATimeLosesNoByte(Provider provider) throws Exception {
    Sites sites = Sites.of(provider);
    TlsContext clientContext = Contexts.client(Provider.JDK, KeyType.EC_P256).build();
    try (TlsServer server = bind(sites.mapping(false));
        Socket socket = new Socket()) {
      socket.connect(server.localAddress(), (int) LIMIT.toMillis());
      socket.setTcpNoDelay(true);
      socket.setSoTimeout((int) LIMIT.toMillis());
      MemoryTransport transport = new MemoryTransport();
      try (TlsEngine client = TlsEngine.client(clientContext, transport, "b.test", 443)) {
        assertThat(client.handshake()).isEqualTo(Status.WANT_READ);
        OutputStream out = socket.getOutputStream();
        for (byte b : transport.drainAll()) { // the ClientHello, in one-byte segments
          out.write(b);
          out.flush();
          Thread.sleep(1);
        }
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[16 * 1024];
        long deadline = System.nanoTime() + LIMIT.toNanos();
        Status s = client.handshake();
        while (s != Status.OK && System.nanoTime() < deadline) {
          out.write(transport.drainAll());
          int n = s == Status.WANT_READ ? in.read(buffer) : 0;
          if (n < 0) {
            break;
          }
          transport.feed(ByteBuffer.wrap(buffer, 0, n));
          s = client.handshake();
        }
        out.write(transport.drainAll());
        assertThat(s).as("%s", client.failure()).isEqualTo(Status.OK);
        assertThat(client.session().peerCertificates().get(0)).isEqualTo(sites.b.certificate());
        assertThat(client.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII))))
            .isEqualTo(4);
        out.write(transport.drainAll());
        ByteBuffer echoed = ByteBuffer.allocate(16);
        while (echoed.position() < 4 && System.nanoTime() < deadline) {
          int r = client.read(echoed);
          if (r == Status.WANT_READ.code()) {
            int n = in.read(buffer);
            assertThat(n).isPositive();
            transport.feed(ByteBuffer.wrap(buffer, 0, n));
          }
        }
        assertThat(new String(echoed.array(), 0, echoed.position(), StandardCharsets.US_ASCII))
            .isEqualTo("ping");
      }
    }
  }

  @Test
  void reloadSwapsTheWholeMapping() throws Exception {
    Sites sites = Sites.of(Provider.JDK);
    try (TlsServer server = bind(sites.mapping(false))) {
      assertThat(served(server, "-servername", "a.test")).contains("subject=CN = a.test");
      server.reload(SniMapping.withDefault(sites.fallback).add("a.test", sites.bContext).build());
      assertThat(served(server, "-servername", "a.test")).contains("subject=CN = b.test");
      assertThat(served(server, "-servername", "x.wild.test"))
          .as("the wildcard went with the old mapping")
          .contains("subject=CN = localhost");
      server.reload(sites.aContext);
      assertThat(server.sni()).isNull();
      assertThat(served(server, "-servername", "b.test")).contains("subject=CN = a.test");
    }
  }

  @Test
  void aTcpServerTakesNoMappingAndEveryContextMustFitTheScheme() {
    Sites sites = Sites.of(Provider.JDK);
    assertThatThrownBy(
            () ->
                TlsServer.bindSni(
                    TransportUri.parse("tcp://127.0.0.1:0"),
                    sites.mapping(false),
                    EchoHandler::new))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("tcp:// is plaintext");
    TlsContext onlyTls12 = TlsContext.forServer(sites.b.keyMaterial()).protocols("TLSv1.2").build();
    assertThatThrownBy(
            () ->
                TlsServer.bindSni(
                    TransportUri.parse("tlsv1.3://127.0.0.1:0"),
                    SniMapping.withDefault(sites.fallback).add("b.test", onlyTls12).build(),
                    EchoHandler::new))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("tlsv1.3:// asks for TLSv1.3");
  }

  private static TlsServer bind(SniMapping mapping) throws Exception {
    return TlsServer.bindSni(
        TransportUri.parse("tls://127.0.0.1:0"),
        mapping,
        EchoHandler::new,
        ServerOptions.builder().loopCount(1).build());
  }

  /** What s_client printed after a successful handshake with {@code args}. */
  private String served(TlsServer server, String... args) throws Exception {
    ChildProcess client = sClient(server, args);
    assertThat(client.exitValue()).as("s_client %s: %s", List.of(args), client.err()).isZero();
    return client.out();
  }

  /** Runs s_client (verifying against the test CAs) to its end: no input, so it closes at once. */
  private ChildProcess sClient(TlsServer server, String... args) throws Exception {
    Path cas = dir.resolve("cas.pem");
    if (!cas.toFile().exists()) {
      TestPki.ec().ca().writeCertificatePem(dir.resolve("ec.pem"));
      TestPki.of(KeyType.RSA_2048).ca().writeCertificatePem(dir.resolve("rsa.pem"));
      java.nio.file.Files.writeString(
          cas,
          java.nio.file.Files.readString(dir.resolve("ec.pem"))
              + java.nio.file.Files.readString(dir.resolve("rsa.pem")));
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                "openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort(),
                "-CAfile",
                "cas.pem"));
    command.addAll(List.of(args));
    ChildProcess client = ChildProcess.inDirectory(dir, command.toArray(String[]::new));
    try (client) {
      client.endInput();
      client.waitFor(LIMIT);
    }
    return client;
  }

  /** Certificates for a.test, b.test, *.wild.test, both.test (EC and RSA) and a default. */
  private static final class Sites {
    final TlsContext fallback;
    final TlsContext fallbackRsa;
    final TlsContext aContext;
    final TlsContext bContext;
    final TlsContext wildContext;
    final TlsContext bothEc;
    final TlsContext bothRsa;
    final GeneratedCertificate b;

    private Sites(Provider provider) {
      fallback = Contexts.server(provider, KeyType.EC_P256).build();
      fallbackRsa = Contexts.server(provider, KeyType.RSA_2048).build();
      aContext = context(provider, leaf(KeyType.EC_P256, "a.test"));
      b = leaf(KeyType.EC_P256, "b.test");
      bContext = context(provider, b);
      wildContext = context(provider, leaf(KeyType.EC_P256, "*.wild.test"));
      bothEc = context(provider, leaf(KeyType.EC_P256, "both.test"));
      bothRsa = context(provider, leaf(KeyType.RSA_2048, "both.test"));
    }

    static Sites of(Provider provider) {
      return SITES.computeIfAbsent(provider, Sites::new);
    }

    SniMapping mapping(boolean strict) {
      return SniMapping.withDefault(fallback, fallbackRsa)
          .add("a.test", aContext)
          .add("b.test", bContext)
          .add("*.wild.test", wildContext)
          .add("both.test", bothEc)
          .add("both.test", bothRsa)
          .sniStrict(strict)
          .build();
    }

    private static GeneratedCertificate leaf(KeyType type, String name) {
      return CertificateGenerator.leaf(name)
          .keyType(type)
          .subjectAltNames(name)
          .issuer(TestPki.of(type).ca())
          .generate();
    }

    private static TlsContext context(Provider provider, GeneratedCertificate leaf) {
      return TlsContext.forServer(leaf.keyMaterial()).provider(provider).build();
    }
  }
}
