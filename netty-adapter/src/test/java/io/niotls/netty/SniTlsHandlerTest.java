package io.niotls.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.niotls.certs.CertificateGenerator;
import io.niotls.certs.GeneratedCertificate;
import io.niotls.context.Provider;
import io.niotls.context.SniMapping;
import io.niotls.context.TlsContext;
import io.niotls.engine.TlsEngine;
import io.niotls.testing.TestPki;
import io.niotls.transport.MemoryTransport;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SniTlsHandlerTest {

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void anExactNameGetsItsOwnCertificate(Provider provider) {
    connect(provider, "example.com", Sites.of(provider).apexCertificate, Integer.MAX_VALUE);
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void aNameUnderAWildcardGetsTheWildcardCertificate(Provider provider) {
    connect(provider, "www.example.com", Sites.of(provider).wildcardCertificate, Integer.MAX_VALUE);
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void aClientHelloArrivingByteByByteIsStillRouted(Provider provider) {
    connect(provider, "shop.example.com", Sites.of(provider).wildcardCertificate, 1);
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void anUnknownNameGetsTheDefault(Provider provider) {
    connect(provider, "localhost", TestPki.ec().server().certificate(), Integer.MAX_VALUE);
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void aClientSendingNoNameGetsTheDefault(Provider provider) {
    connect(provider, "127.0.0.1", TestPki.ec().server().certificate(), Integer.MAX_VALUE);
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void plaintextIsRefusedByTheDefaultEngineWithItsReason(Provider provider) {
    Recorder events = new Recorder();
    EmbeddedChannel server =
        new EmbeddedChannel(new SniTlsHandler(Sites.of(provider).mapping()), events);
    try {
      server.writeInbound(
          Unpooled.copiedBuffer("GET / HTTP/1.1\r\n\r\n", StandardCharsets.US_ASCII));
      assertThat(events.events(SniCompletionEvent.class))
          .singleElement()
          .satisfies(e -> assertThat(e.cause()).hasMessageContaining("not a TLS handshake"));
      assertThat(events.events(SslHandshakeCompletionEvent.class))
          .singleElement()
          .satisfies(e -> assertThat(e.cause()).hasMessageContaining("plaintext HTTP"));
      assertThat(server.isOpen()).isFalse();
    } finally {
      server.finishAndReleaseAll();
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void aServerNameThatIsNotAHostNameGoesToTheDefaultWithItsReason(Provider provider) {
    byte[] hello = firstFlight(provider, "bad.example.com");
    byte[] name = "bad.example.com".getBytes(StandardCharsets.US_ASCII);
    int at = indexOf(hello, name);
    hello[at + 3] = ' '; // "bad example.com": same length, no longer a host name
    Recorder events = new Recorder();
    EmbeddedChannel server =
        new EmbeddedChannel(new SniTlsHandler(Sites.of(provider).mapping()), events);
    try {
      server.writeInbound(Unpooled.wrappedBuffer(hello));

      assertThat(server.pipeline().get(SniTlsHandler.class)).as("replaced").isNull();
      assertThat(events.events(SniCompletionEvent.class))
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.hostname()).isNull();
                assertThat(e.cause())
                    .hasMessage("a byte 0x20 that no host name contains in the server name");
              });
    } finally {
      server.finishAndReleaseAll();
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void aStrictMappingRefusesAnUnknownNameWithUnrecognizedName(Provider provider) {
    Sites sites = Sites.of(provider);
    SniMapping strict =
        SniMapping.withDefault(sites.fallback())
            .add("example.com", sites.apex())
            .sniStrict(true)
            .build();
    Recorder events = new Recorder();
    EmbeddedChannel server = new EmbeddedChannel(new SniTlsHandler(strict), events);
    try {
      server.writeInbound(Unpooled.wrappedBuffer(firstFlight(provider, "elsewhere.org")));

      io.netty.buffer.ByteBuf alert = server.readOutbound();
      try {
        assertThat(io.netty.buffer.ByteBufUtil.getBytes(alert))
            .as("a plaintext fatal unrecognized_name alert")
            .containsExactly(21, 3, 3, 0, 2, 2, 112);
      } finally {
        alert.release();
      }
      assertThat(server.isOpen()).isFalse();
      assertThat(events.events(SniCompletionEvent.class))
          .singleElement()
          .satisfies(
              e ->
                  assertThat(e.cause())
                      .hasMessageContaining("asks for 'elsewhere.org'")
                      .hasMessageContaining("unrecognized_name"));
    } finally {
      server.finishAndReleaseAll();
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void aStrictMappingStillServesItsNamesAndClientsWithoutOne(Provider provider) {
    connect(provider, "example.com", Sites.of(provider).apexCertificate, Integer.MAX_VALUE, true);
    connect(provider, "127.0.0.1", TestPki.ec().server().certificate(), Integer.MAX_VALUE, true);
  }

  /** What a client engine of {@code provider} sends first when it connects to {@code host}. */
  private static byte[] firstFlight(Provider provider, String host) {
    MemoryTransport transport = new MemoryTransport();
    try (TlsEngine engine =
        TlsEngine.client(Fixtures.client(provider, "TLSv1.3"), transport, host, 443)) {
      engine.handshake();
      return transport.drainAll();
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    throw new AssertionError("the ClientHello does not name " + new String(needle));
  }

  private static void connect(Provider provider, String host, X509Certificate expected, int chunk) {
    connect(provider, host, expected, chunk, false);
  }

  private static void connect(
      Provider provider, String host, X509Certificate expected, int chunk, boolean strict) {
    Sites sites = Sites.of(provider);
    TlsHandler client = TlsHandler.client(Fixtures.client(provider, "TLSv1.3"), host, 443);
    Recorder serverEvents = new Recorder();
    try (EmbeddedPair pair =
        new EmbeddedPair(
            chunk,
            new ChannelHandler[] {client},
            new ChannelHandler[] {new SniTlsHandler(sites.mapping(strict)), serverEvents})) {
      pair.pumpUntilQuiet();
      assertThat(client.handshakeFuture().isSuccess())
          .as("%s", client.handshakeFuture().cause())
          .isTrue();
      assertThat(client.session().peerCertificates().get(0)).isEqualTo(expected);
      TlsHandler server = pair.server.pipeline().get(TlsHandler.class);
      assertThat(pair.server.pipeline().get(SniTlsHandler.class)).as("replaced").isNull();
      boolean sentName = !host.startsWith("127.");
      assertThat(server.session().serverName()).isEqualTo(sentName ? host : null);
      assertThat(serverEvents.events(SniCompletionEvent.class))
          .singleElement()
          .satisfies(e -> assertThat(e.hostname()).isEqualTo(sentName ? host : null));

      pair.client.writeAndFlush(Unpooled.copiedBuffer("hi", StandardCharsets.US_ASCII));
      pair.pumpUntilQuiet();
      assertThat(EmbeddedPair.readInbound(pair.server)).asString().isEqualTo("hi");
    }
  }

  /** Server contexts for example.com, *.example.com and a default (localhost), one per provider. */
  record Sites(
      TlsContext fallback,
      TlsContext apex,
      TlsContext wildcard,
      X509Certificate apexCertificate,
      X509Certificate wildcardCertificate) {
    private static final Map<Provider, Sites> CACHE = new ConcurrentHashMap<>();

    static Sites of(Provider provider) {
      return CACHE.computeIfAbsent(provider, Sites::make);
    }

    private static Sites make(Provider provider) {
      GeneratedCertificate ca = TestPki.ec().ca();
      GeneratedCertificate apex =
          CertificateGenerator.leaf("example.com")
              .subjectAltNames("example.com")
              .issuer(ca)
              .generate();
      GeneratedCertificate wildcard =
          CertificateGenerator.leaf("*.example.com")
              .subjectAltNames("*.example.com")
              .issuer(ca)
              .generate();
      return new Sites(
          Fixtures.server(provider, "TLSv1.3"),
          TlsContext.forServer(apex.keyMaterial()).provider(provider).build(),
          TlsContext.forServer(wildcard.keyMaterial()).provider(provider).build(),
          apex.certificate(),
          wildcard.certificate());
    }

    SniMapping mapping() {
      return mapping(false);
    }

    SniMapping mapping(boolean strict) {
      return SniMapping.withDefault(fallback)
          .add("example.com", apex)
          .add("*.example.com", wildcard)
          .sniStrict(strict)
          .build();
    }
  }
}
