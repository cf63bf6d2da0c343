package io.niotls.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.engine.TlsException;
import io.niotls.testing.Contexts;
import io.niotls.testing.TestPki;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The context's handshake policy holds in a Netty pipeline as in the selector loop: a server that
 * requires ALPN refuses a client sharing none with {@code no_application_protocol}, a strict-SNI
 * server refuses an unknown name with {@code unrecognized_name}; against our own client and against
 * Netty's SslHandler.
 */
class TlsHandlerPolicyTest {

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void aServerRequiringAlpnRefusesOurClientSharingNoneWithNoApplicationProtocol(Provider provider) {
    TlsContext serverContext =
        Contexts.server(provider, KeyType.EC_P256).alpn("h2").requireAlpn(true).build();
    TlsContext clientContext = Contexts.client(provider, KeyType.EC_P256).alpn("http/1.1").build();
    TlsHandler client = TlsHandler.client(clientContext, "localhost", 443);
    TlsHandler server = TlsHandler.server(serverContext);
    try (EmbeddedPair pair = pair(client, server)) {
      pair.pumpUntilQuiet();

      assertThat(client.handshakeFuture().cause()).isInstanceOf(TlsException.class);
      assertThat(((TlsException) client.handshakeFuture().cause()).alert())
          .isEqualTo("no_application_protocol");
      assertThat(((TlsException) server.handshakeFuture().cause()).alert())
          .isEqualTo("no_application_protocol");
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void aServerRequiringAlpnRefusesNettysClientSharingNoneWithNoApplicationProtocol(
      Provider provider) throws Exception {
    TlsContext serverContext =
        Contexts.server(provider, KeyType.EC_P256).alpn("h2").requireAlpn(true).build();
    SslContext netty =
        SslContextBuilder.forClient()
            .sslProvider(provider == Provider.JDK ? SslProvider.JDK : SslProvider.OPENSSL)
            .trustManager(TestPki.ec().ca().certificate())
            .applicationProtocolConfig(
                new ApplicationProtocolConfig(
                    ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    "http/1.1"))
            .build();
    SslHandler client = netty.newHandler(ByteBufAllocator.DEFAULT, "localhost", 443);
    TlsHandler server = TlsHandler.server(serverContext);
    EmbeddedPair pair = pair(client, server);
    pair.pumpUntilQuiet();

    assertThat(String.valueOf(client.handshakeFuture().cause()).toLowerCase())
        .contains("no_application_protocol");
    assertThat(server.handshakeFuture().isSuccess()).isFalse();
    // Netty's SslHandler also lets its handshake failure reach the end of its pipeline, which an
    // EmbeddedChannel rethrows when it is finished: that is the failure asserted above
    Throwable rethrown = catchThrowable(pair.client::finishAndReleaseAll);
    pair.server.finishAndReleaseAll();
    assertThat(rethrown).hasRootCauseInstanceOf(javax.net.ssl.SSLException.class);
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void aStrictServerRefusesNettysClientAskingForAnUnknownNameWithUnrecognizedName(Provider provider)
      throws Exception {
    TlsContext serverContext = Contexts.server(provider, KeyType.EC_P256).sniStrict().build();
    SslContext netty =
        SslContextBuilder.forClient()
            .sslProvider(provider == Provider.JDK ? SslProvider.JDK : SslProvider.OPENSSL)
            .trustManager(TestPki.ec().ca().certificate())
            .build();
    SslHandler client = netty.newHandler(ByteBufAllocator.DEFAULT, "unknown.example", 443);
    TlsHandler server = TlsHandler.server(serverContext);
    EmbeddedPair pair = pair(client, server);
    pair.pumpUntilQuiet();

    assertThat(String.valueOf(client.handshakeFuture().cause()).toLowerCase())
        .contains("unrecognized_name");
    assertThat(server.handshakeFuture().isSuccess()).isFalse();
    // Netty's SslHandler also lets its handshake failure reach the end of its pipeline, which an
    // EmbeddedChannel rethrows when it is finished: that is the failure asserted above
    Throwable rethrown = catchThrowable(pair.client::finishAndReleaseAll);
    pair.server.finishAndReleaseAll();
    assertThat(rethrown).hasRootCauseInstanceOf(javax.net.ssl.SSLException.class);
  }

  /**
   * A pair whose pipelines end in a Recorder, which takes the handshake failure each side fires.
   */
  private static EmbeddedPair pair(ChannelHandler client, ChannelHandler server) {
    return new EmbeddedPair(
        Integer.MAX_VALUE,
        new ChannelHandler[] {client, new Recorder()},
        new ChannelHandler[] {server, new Recorder()});
  }
}
