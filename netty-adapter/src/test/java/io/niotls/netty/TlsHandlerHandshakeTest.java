package io.niotls.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.ClientAuth;
import io.niotls.context.DelegatedTasks;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.engine.SessionInfo;
import io.niotls.engine.TlsException;
import io.niotls.testing.Contexts;
import io.niotls.testing.TestPki;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TlsHandlerHandshakeTest {

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providersAndProtocols")
  void handshakeSucceedsBothWaysAndFiresNettysEvent(Provider provider, String protocol) {
    TlsHandler client = TlsHandler.client(Fixtures.client(provider, protocol), "localhost", 443);
    TlsHandler server = TlsHandler.server(Fixtures.server(provider, protocol));
    Recorder clientEvents = new Recorder();
    Recorder serverEvents = new Recorder();
    try (EmbeddedPair pair = pair(client, clientEvents, server, serverEvents)) {
      pair.pumpUntilQuiet();

      assertThat(client.handshakeFuture().isSuccess()).isTrue();
      assertThat(server.handshakeFuture().isSuccess()).isTrue();
      assertThat(client.handshakeFuture().getNow()).isSameAs(pair.client);
      assertThat(clientEvents.events).containsExactly(SslHandshakeCompletionEvent.SUCCESS);
      assertThat(serverEvents.events).containsExactly(SslHandshakeCompletionEvent.SUCCESS);
      assertThat(clientEvents.exceptions).isEmpty();
      assertThat(serverEvents.exceptions).isEmpty();
    }
  }

  @org.junit.jupiter.api.Test
  void theFuturesCanBeWatchedBeforeTheHandlerIsInAPipeline() {
    TlsHandler client =
        TlsHandler.client(Fixtures.client(Provider.JDK, "TLSv1.3"), "localhost", 443);
    TlsHandler server = TlsHandler.server(Fixtures.server(Provider.JDK, "TLSv1.3"));
    java.util.List<Object> seen = new java.util.ArrayList<>();
    client.handshakeFuture().addListener(f -> seen.add(f.getNow()));
    client.sslCloseFuture().addListener(f -> seen.add(f.isSuccess()));
    assertThat(seen).isEmpty();
    try (EmbeddedPair pair = EmbeddedPair.of(client, server)) {
      pair.pumpUntilQuiet();
      assertThat(seen).containsExactly(pair.client);
      pair.server.close();
      pair.pumpUntilQuiet();
      assertThat(seen).containsExactly(pair.client, true);
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providersAndProtocols")
  void sessionFactsAreReachableFromTheHandler(Provider provider, String protocol) {
    TlsContext serverContext =
        Contexts.server(provider, KeyType.EC_P256)
            .protocols(protocol)
            .alpn("h2", "http/1.1")
            .build();
    TlsContext clientContext =
        Contexts.client(provider, KeyType.EC_P256).protocols(protocol).alpn("http/1.1").build();
    TlsHandler client = TlsHandler.client(clientContext, "localhost", 443);
    TlsHandler server = TlsHandler.server(serverContext);
    assertThat(client.session()).as("before the handshake").isNull();
    try (EmbeddedPair pair = EmbeddedPair.of(client, server)) {
      pair.pumpUntilQuiet();

      SessionInfo c = client.session();
      SessionInfo s = server.session();
      assertThat(c.protocol()).isEqualTo(protocol);
      assertThat(s.cipherSuite()).isEqualTo(c.cipherSuite());
      assertThat(client.applicationProtocol()).isEqualTo("http/1.1");
      assertThat(s.applicationProtocol()).isEqualTo("http/1.1");
      assertThat(c.peerCertificates().get(0)).isEqualTo(TestPki.ec().server().certificate());
      assertThat(s.serverName()).isEqualTo("localhost");
      assertThat(c.resumed()).isFalse();
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providersAndProtocols")
  void plaintextCrossesBothWays(Provider provider, String protocol) {
    TlsHandler client = TlsHandler.client(Fixtures.client(provider, protocol), "localhost", 443);
    TlsHandler server = TlsHandler.server(Fixtures.server(provider, protocol));
    try (EmbeddedPair pair = EmbeddedPair.of(client, server)) {
      pair.pumpUntilQuiet();
      pair.client.writeAndFlush(Unpooled.copiedBuffer("ping", StandardCharsets.US_ASCII));
      pair.pumpUntilQuiet();
      assertThat(EmbeddedPair.readInbound(pair.server)).asString().isEqualTo("ping");
      pair.server.writeAndFlush(Unpooled.copiedBuffer("pong", StandardCharsets.US_ASCII));
      pair.pumpUntilQuiet();
      assertThat(EmbeddedPair.readInbound(pair.client)).asString().isEqualTo("pong");
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providersAndProtocols")
  void ourClientTalksToNettysSslHandler(Provider provider, String protocol) {
    SslProvider netty = provider == Provider.JDK ? SslProvider.JDK : SslProvider.OPENSSL;
    SslContext nettyServer = NettyPeers.server(netty, protocol);
    TlsHandler client = TlsHandler.client(Fixtures.client(provider, protocol), "localhost", 443);
    SslHandler server = nettyServer.newHandler(io.netty.buffer.ByteBufAllocator.DEFAULT);
    try (EmbeddedPair pair = EmbeddedPair.of(client, server)) {
      pair.pumpUntilQuiet();
      assertThat(client.handshakeFuture().isSuccess()).isTrue();
      assertThat(server.handshakeFuture().isSuccess()).isTrue();
      pair.client.writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII));
      pair.pumpUntilQuiet();
      assertThat(EmbeddedPair.readInbound(pair.server)).asString().isEqualTo("hello");
    } finally {
      io.netty.util.ReferenceCountUtil.release(nettyServer);
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providersAndProtocols")
  void nettysSslHandlerTalksToOurServer(Provider provider, String protocol) {
    SslProvider netty = provider == Provider.JDK ? SslProvider.JDK : SslProvider.OPENSSL;
    SslContext nettyClient = NettyPeers.client(netty, protocol);
    SslHandler client =
        nettyClient.newHandler(io.netty.buffer.ByteBufAllocator.DEFAULT, "localhost", 443);
    TlsHandler server = TlsHandler.server(Fixtures.server(provider, protocol));
    try (EmbeddedPair pair = EmbeddedPair.of(client, server)) {
      pair.pumpUntilQuiet();
      assertThat(client.handshakeFuture().isSuccess()).isTrue();
      assertThat(server.handshakeFuture().isSuccess()).isTrue();
      pair.server.writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII));
      pair.pumpUntilQuiet();
      assertThat(EmbeddedPair.readInbound(pair.client)).asString().isEqualTo("hello");
    } finally {
      io.netty.util.ReferenceCountUtil.release(nettyClient);
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providersAndProtocols")
  void anUntrustedServerFailsTheHandshakeOnBothSidesWithAReason(Provider p, String protocol) {
    TlsContext stranger =
        TlsContext.forServer(TestPki.ec().stranger().keyMaterial())
            .provider(p)
            .protocols(protocol)
            .build();
    TlsHandler client = TlsHandler.client(Fixtures.client(p, protocol), "localhost", 443);
    TlsHandler server = TlsHandler.server(stranger);
    Recorder clientEvents = new Recorder();
    Recorder serverEvents = new Recorder();
    try (EmbeddedPair pair = pair(client, clientEvents, server, serverEvents)) {
      pair.pumpUntilQuiet();
      assertThat(client.handshakeFuture().cause())
          .isInstanceOf(TlsException.class)
          .hasMessageContaining("not trusted");
      assertThat(clientEvents.events(SslHandshakeCompletionEvent.class))
          .singleElement()
          .satisfies(e -> assertThat(e.cause()).isSameAs(client.handshakeFuture().cause()));
      assertThat(clientEvents.exceptions).containsExactly(client.handshakeFuture().cause());
      assertThat(pair.client.isOpen()).isFalse();
      assertThat(server.handshakeFuture().cause())
          .as("the client's alert reached the server")
          .isInstanceOf(TlsException.class);
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void aServerRequiringClientCertificatesSeesTheClientsChain(Provider provider) {
    TestPki pki = TestPki.ec();
    TlsContext serverContext =
        Contexts.server(provider, KeyType.EC_P256)
            .clientAuth(ClientAuth.REQUIRE)
            .trustCertificates(java.util.List.of(pki.ca().certificate()))
            .build();
    TlsContext clientContext =
        Contexts.client(provider, KeyType.EC_P256).keyMaterial(pki.client().keyMaterial()).build();
    TlsHandler client = TlsHandler.client(clientContext, "localhost", 443);
    TlsHandler server = TlsHandler.server(serverContext);
    try (EmbeddedPair pair = EmbeddedPair.of(client, server)) {
      pair.pumpUntilQuiet();
      assertThat(server.session().peerCertificates().get(0)).isEqualTo(pki.client().certificate());
      assertThat(server.session().peerFingerprint()).isEqualTo(pki.client().sha256());
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void delegatedTasksLeftToTheCallerAreRunByTheHandler(Provider provider) {
    TlsContext serverContext =
        Contexts.server(provider, KeyType.EC_P256).delegatedTasks(DelegatedTasks.CALLER).build();
    TlsContext clientContext =
        Contexts.client(provider, KeyType.EC_P256).delegatedTasks(DelegatedTasks.CALLER).build();
    TlsHandler client = TlsHandler.client(clientContext, "localhost", 443);
    TlsHandler server = TlsHandler.server(serverContext);
    try (EmbeddedPair pair = EmbeddedPair.of(client, server)) {
      pair.pumpUntilQuiet();
      assertThat(client.handshakeFuture().isSuccess()).isTrue();
      assertThat(server.handshakeFuture().isSuccess()).isTrue();
    }
  }

  static EmbeddedPair pair(
      ChannelHandler client, Recorder clientEvents, ChannelHandler server, Recorder serverEvents) {
    return new EmbeddedPair(
        Integer.MAX_VALUE,
        new ChannelHandler[] {client, clientEvents},
        new ChannelHandler[] {server, serverEvents});
  }
}
