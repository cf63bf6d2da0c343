package io.niotls.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.context.KeyMaterial;
import io.niotls.context.OcspResponse;
import io.niotls.context.Provider;
import io.niotls.context.TlsConfigException;
import io.niotls.context.TlsContext;
import io.niotls.context.TlsContextBuilder;
import io.niotls.engine.Status;
import io.niotls.engine.TlsEngine;
import io.niotls.testing.ChildProcess;
import io.niotls.testing.OpensslCa;
import io.niotls.transport.SocketTransport;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * OCSP stapling against OpenSSL: a test CA, an OCSP responder certificate and responses made by
 * {@code openssl ca} and {@code openssl ocsp}; {@code openssl s_client -status} judges what a
 * niotls server staples, and niotls clients read what {@code openssl s_server -status_file}
 * staples.
 */
class OcspStaplingTest {
  private static final Duration LIMIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private OpensslCa ca;
  private Path leaf;
  private Path good;

  @BeforeEach
  void pki() throws Exception {
    ca = OpensslCa.root(dir.resolve("ca"), "niotls OCSP test CA");
    leaf = ca.leaf("server");
    good = ca.ocspResponse(leaf, "good.der");
  }

  static Stream<Arguments> staplingProvidersAndProtocols() {
    return Stream.of(Provider.OPENSSL, Provider.BORINGSSL)
        .flatMap(p -> Stream.of("TLSv1.3", "TLSv1.2").map(v -> Arguments.of(p, v)));
  }

  static Stream<Arguments> providersAndProtocols() {
    return io.niotls.testing.Matrix.providersAndProtocols();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("staplingProvidersAndProtocols")
  void opensslClientSeesTheGoodResponseANiotlsServerStaples(Provider provider, String protocol)
      throws Exception {
    TlsContext context = server(provider).ocspResponse(good).protocols(protocol).build();
    String said = opensslClientAgainst(context, "-status");
    assertThat(said)
        .contains("OCSP Response Status: successful")
        .contains("Cert Status: good")
        .contains("Verify return code: 0 (ok)");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(
      value = Provider.class,
      names = {"OPENSSL", "BORINGSSL"})
  void aServerWithoutAResponseStaplesNothing(Provider provider) throws Exception {
    String said = opensslClientAgainst(server(provider).build(), "-status");
    assertThat(said).contains("OCSP response: no response sent");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("providersAndProtocols")
  void niotlsClientReadsTheResponseOpensslServerStaples(Provider provider, String protocol)
      throws Exception {
    TlsContext context = client(provider).requireOcspStapling().protocols(protocol).build();
    try (OpensslServer server = opensslServer(protocol, "-status_file", good.toString())) {
      TlsEngine engine = server.handshake(context);
      try {
        assertThat(engine.failure()).isNull();
        OcspResponse stapled = engine.session().ocspResponse();
        assertThat(stapled).isNotNull();
        assertThat(stapled.bytes()).isEqualTo(Files.readAllBytes(good));
        assertThat(stapled.responseStatus()).isEqualTo("successful");
        assertThat(stapled.certStatus()).isEqualTo("good");
      } finally {
        engine.close();
      }
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("providersAndProtocols")
  void requireOcspStaplingRefusesAServerThatStaplesNothing(Provider provider, String protocol)
      throws Exception {
    TlsContext context = client(provider).requireOcspStapling().protocols(protocol).build();
    try (OpensslServer server = opensslServer(protocol)) {
      TlsEngine engine = server.handshake(context);
      try {
        assertThat(engine.failure()).isNotNull();
        assertThat(engine.failure().getMessage())
            .contains("CN=localhost")
            .contains("stapled no OCSP response");
      } finally {
        engine.close();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.testing.Matrix#providers")
  void requireOcspStaplingRefusesAStapledRevokedResponse(Provider provider) throws Exception {
    ca.revoke(leaf);
    Path revoked = ca.ocspResponse(leaf, "revoked.der");
    TlsContext context = client(provider).requireOcspStapling().build();
    try (OpensslServer server = opensslServer("TLSv1.3", "-status_file", revoked.toString())) {
      TlsEngine engine = server.handshake(context);
      try {
        assertThat(engine.failure()).isNotNull();
        assertThat(engine.failure().getMessage())
            .contains("certificate CN=localhost is revoked (stapled OCSP response");
      } finally {
        engine.close();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.testing.Matrix#providers")
  void aClientThatOnlyRequestsStaplingAcceptsAServerThatStaplesNothing(Provider provider)
      throws Exception {
    TlsContext context = client(provider).requestOcspStapling().build();
    try (OpensslServer server = opensslServer("TLSv1.3")) {
      TlsEngine engine = server.handshake(context);
      try {
        assertThat(engine.failure()).isNull();
        assertThat(engine.session().ocspResponse()).isNull();
      } finally {
        engine.close();
      }
    }
  }

  @Test
  void theJdkProviderRefusesToStapleAGivenResponse() throws Exception {
    TlsContextBuilder builder = server(Provider.JDK).ocspResponse(good);
    assertThatThrownBy(builder::build)
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("the JDK provider cannot staple a given OCSP response")
        .hasMessageContaining("use the OPENSSL or BORINGSSL provider");
  }

  @Test
  void aResponseForAnotherCertificateIsRefusedWhenTheContextIsBuilt() throws Exception {
    Path other = ca.leaf("other");
    Path otherResponse = ca.ocspResponse(other, "other.der");
    assertThatThrownBy(() -> server(Provider.BORINGSSL).ocspResponse(otherResponse).build())
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("the OCSP response cannot be stapled: it speaks of serial 1002")
        .hasMessageContaining("not of the certificate CN=localhost (serial 1000)");
  }

  @Test
  void aFileThatIsNotAnOcspResponseIsRefusedWithItsName() throws Exception {
    assertThatThrownBy(() -> server(Provider.BORINGSSL).ocspResponse(leaf))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("server.pem holds no DER OCSP response")
        .hasMessageContaining("openssl ocsp");
  }

  private TlsContextBuilder server(Provider provider) {
    KeyMaterial key = KeyMaterial.fromPem(leaf, ca.file("server.key"));
    return TlsContext.forServer(key).provider(provider);
  }

  private TlsContextBuilder client(Provider provider) {
    return TlsContext.forClient().provider(provider).trustPem(ca.certificate());
  }

  private OpensslServer opensslServer(String protocol, String... more) throws Exception {
    return OpensslServer.start(dir, leaf, ca.file("server.key"), protocol, more);
  }

  /** Runs {@code openssl s_client} against one handshake of a niotls server; what it said. */
  private String opensslClientAgainst(TlsContext context, String... more) throws Exception {
    try (ServerSocketChannel listener =
        ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
      int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
      List<String> command =
          new ArrayList<>(
              List.of(
                  "openssl",
                  "s_client",
                  "-connect",
                  "127.0.0.1:" + port,
                  "-servername",
                  "localhost",
                  "-CAfile",
                  ca.certificate().toString(),
                  "-verify_return_error"));
      command.addAll(List.of(more));
      try (ChildProcess client = ChildProcess.inDirectory(dir, command.toArray(new String[0]))) {
        SocketChannel channel = listener.accept();
        channel.configureBlocking(false);
        TlsEngine engine = TlsEngine.server(context, new SocketTransport(channel));
        try (Blocking io = new Blocking(engine, channel, LIMIT)) {
          assertThat(io.handshake()).as("handshake: %s", engine.failure()).isEqualTo(Status.OK);
          client.await("Verify return code", LIMIT);
          client.endInput();
          assertThat(client.waitFor(LIMIT)).isZero();
          return client.out();
        } finally {
          engine.close();
          channel.close();
        }
      }
    }
  }
}
