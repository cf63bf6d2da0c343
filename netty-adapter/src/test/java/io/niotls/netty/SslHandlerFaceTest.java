package io.niotls.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.ClientAuth;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.engine.TlsException;
import io.niotls.testing.Contexts;
import io.niotls.testing.TestPki;
import io.niotls.wire.TlsRecords;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What code written for Netty's {@code SslHandler} and {@code SslContext} sees of niotls: the
 * handler found as an SslHandler, its engine view describing the real session, the futures and
 * timeouts, renegotiation refused, and an SslContext that answers for its TlsContext.
 */
class SslHandlerFaceTest {

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("io.niotls.netty.Fixtures#providersAndProtocols")
  void theEngineViewDescribesTheRealSessionAfterTheHandshake(Provider provider, String protocol) {
    TlsContext serverContext =
        Contexts.server(provider, KeyType.EC_P256)
            .protocols(protocol)
            .alpn("h2", "http/1.1")
            .sessionResumption(false)
            .build();
    TlsContext clientContext =
        Contexts.client(provider, KeyType.EC_P256)
            .protocols(protocol)
            .alpn("h2")
            .sessionResumption(false)
            .build();
    SslContext serverSsl = NiotlsSslContext.of(serverContext);
    SslContext clientSsl = NiotlsSslContext.of(clientContext);
    SslHandler client = clientSsl.newHandler(ByteBufAllocator.DEFAULT, "localhost", 443);
    SslHandler server = serverSsl.newHandler(ByteBufAllocator.DEFAULT);
    assertThat(client).isInstanceOf(TlsHandler.class);
    assertThat(server.engine().getApplicationProtocol()).as("not yet determined").isNull();
    assertThat(server.engine().getSession().getCipherSuite()).isEqualTo("SSL_NULL_WITH_NULL_NULL");
    try (EmbeddedPair pair = EmbeddedPair.of(client, server)) {
      pair.pumpUntilQuiet();
      assertThat(pair.server.pipeline().get(SslHandler.class)).isSameAs(server);
      assertThat(server.handshakeFuture().isSuccess()).isTrue();
      assertThat(server.applicationProtocol()).isEqualTo("h2");
      assertThat(client.applicationProtocol()).isEqualTo("h2");

      SSLEngine view = client.engine();
      SessionAssert.same(view.getSession(), ((TlsHandler) client).session().protocol());
      assertThat(view.getApplicationProtocol()).isEqualTo("h2");
      assertThat(view.getUseClientMode()).isTrue();
      assertThat(server.engine().getUseClientMode()).isFalse();
      assertThat(view.getHandshakeSession()).as("the handshake is over").isNull();
      assertThat(view.getSession().getCipherSuite())
          .isEqualTo(((TlsHandler) client).session().cipherSuite());
      X509Certificate leaf = (X509Certificate) peerLeaf(view.getSession());
      assertThat(leaf).isEqualTo(TestPki.of(KeyType.EC_P256).server().certificate());
      assertThatThrownBy(
              () -> view.wrap(ByteBuffer.allocate(1), ByteBuffer.allocate(SslHandlerFaceTest.K)))
          .isInstanceOf(SSLException.class)
          .hasMessageContaining("only describes");
      assertThatThrownBy(() -> view.setEnabledProtocols(new String[] {"TLSv1.2", "TLSv1.1"}))
          .hasMessageContaining("TlsContextBuilder");

      Future<?> renegotiation = client.renegotiate();
      assertThat(renegotiation.isDone()).isTrue();
      assertThat(renegotiation.cause()).hasMessageContaining("does not renegotiate");

      client.closeOutbound();
      pair.pumpUntilQuiet();
      assertThat(view.isOutboundDone()).isTrue();
      assertThat(server.sslCloseFuture().isSuccess()).as("close_notify arrived").isTrue();
    }
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("io.niotls.netty.Fixtures#providersAndProtocols")
  void theViewsSessionNamesBothChainsThePeerAndTheRecordSizes(Provider provider, String protocol)
      throws Exception {
    TestPki pki = TestPki.of(KeyType.EC_P256);
    TlsContext serverContext =
        Contexts.server(provider, KeyType.EC_P256)
            .protocols(protocol)
            .clientAuth(ClientAuth.REQUIRE)
            .trustCertificates(List.of(pki.ca().certificate()))
            .sessionResumption(false)
            .build();
    TlsContext clientContext =
        Contexts.client(provider, KeyType.EC_P256)
            .protocols(protocol)
            .keyMaterial(pki.client().keyMaterial())
            .build(); // with resumption: without, the SSLEngines' sessions name no peer port
    long before = System.currentTimeMillis();
    TlsHandler client = TlsHandler.client(clientContext, "localhost", 443);
    TlsHandler server = TlsHandler.server(serverContext);
    try (EmbeddedPair pair = EmbeddedPair.of(client, server)) {
      pair.pumpUntilQuiet();
      SSLSession ours = client.engine().getSession();
      SSLSession theirs = server.engine().getSession();

      assertThat(ours.getProtocol()).isEqualTo(protocol);
      assertThat(theirs.getCipherSuite()).isEqualTo(server.session().cipherSuite());
      assertThat(ours.getPeerCertificates()[0]).isEqualTo(pki.server().certificate());
      assertThat(ours.getLocalCertificates()[0]).isEqualTo(pki.client().certificate());
      assertThat(theirs.getPeerCertificates()[0]).isEqualTo(pki.client().certificate());
      assertThat(theirs.getLocalCertificates()[0]).isEqualTo(pki.server().certificate());
      assertThat(theirs.getPeerPrincipal())
          .isEqualTo(pki.client().certificate().getSubjectX500Principal());
      assertThat(ours.getPeerHost()).isEqualTo("localhost");
      assertThat(ours.getPeerPort()).isEqualTo(443);
      assertThat(ours.getApplicationBufferSize()).isGreaterThanOrEqualTo(K);
      assertThat(ours.getPacketBufferSize())
          .isGreaterThanOrEqualTo(TlsRecords.HEADER_LENGTH + K + 16);
      assertThat(ours.getCreationTime())
          .isBetween(before - 1000, System.currentTimeMillis() + 1000);
      ours.putValue("seen", "yes");
      assertThat(ours.getValue("seen")).isEqualTo("yes");
      assertThat(ours.getValueNames()).contains("seen");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void newEngineRunsUnderNettysSslHandlerWithTheContextsTrustAndAlpn(Provider provider) {
    TlsContext serverContext =
        Contexts.server(provider, KeyType.EC_P256).alpn("h2", "http/1.1").build();
    NiotlsSslContext clientSsl =
        NiotlsSslContext.of(Contexts.client(provider, KeyType.EC_P256).alpn("h2").build());
    SslHandler client =
        new SslHandler(clientSsl.newEngine(ByteBufAllocator.DEFAULT, "localhost", 443));
    TlsHandler server = TlsHandler.server(serverContext);
    try (EmbeddedPair pair = EmbeddedPair.of(client, server)) {
      pair.pumpUntilQuiet();
      assertThat(client.handshakeFuture().isSuccess()).isTrue();
      assertThat(client.applicationProtocol()).isEqualTo("h2");
      assertThat(server.applicationProtocol()).isEqualTo("h2");
    }

    // the same client, and a server its trust does not cover: the engine checks as the context does
    TlsContext stranger =
        TlsContext.forServer(TestPki.ec().stranger().keyMaterial()).provider(provider).build();
    SslHandler refused =
        new SslHandler(clientSsl.newEngine(ByteBufAllocator.DEFAULT, "localhost", 443));
    Recorder serverEvents = new Recorder();
    try (EmbeddedPair pair =
        TlsHandlerHandshakeTest.pair(
            refused, new Recorder(), TlsHandler.server(stranger), serverEvents)) {
      pair.pumpUntilQuiet();
      assertThat(refused.handshakeFuture().cause()).isInstanceOf(SSLHandshakeException.class);
      // Netty's handler closed the channel first, so its exception went to the channel's end
      assertThatThrownBy(pair.client::checkException)
          .hasCauseInstanceOf(SSLHandshakeException.class);
      assertThat(serverEvents.exceptions)
          .as("the client's alert reached our server")
          .singleElement()
          .isInstanceOf(TlsException.class);
    }
  }

  private static final int K = 1 << 14;

  private static java.security.cert.Certificate peerLeaf(SSLSession session) {
    try {
      return session.getPeerCertificates()[0];
    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
      throw new AssertionError(e);
    }
  }

  /** A one-line check that the view hands out the real session of the negotiated version. */
  private static final class SessionAssert {
    static void same(SSLSession session, String protocol) {
      assertThat(session.getProtocol()).isEqualTo(protocol);
      assertThat(session.getId()).isNotNull();
    }
  }

  @Test
  void theTimeoutsAreSslHandlersAndTheHandshakeTimeoutStartsAsTheContexts() {
    TlsHandler handler = TlsHandler.server(Fixtures.server(Provider.JDK, "TLSv1.3"));
    assertThat(handler.getHandshakeTimeoutMillis())
        .isEqualTo(Fixtures.server(Provider.JDK, "TLSv1.3").handshakeTimeout().toMillis());
    handler.setHandshakeTimeout(2, TimeUnit.SECONDS);
    assertThat(handler.getHandshakeTimeoutMillis()).isEqualTo(2000);
    handler.setCloseNotifyFlushTimeout(5, TimeUnit.SECONDS);
    handler.setCloseNotifyReadTimeoutMillis(700);
    assertThat(handler.getCloseNotifyFlushTimeoutMillis()).isEqualTo(5000);
    assertThat(handler.getCloseNotifyReadTimeoutMillis()).isEqualTo(700);
    assertThatThrownBy(() -> handler.setHandshakeTimeoutMillis(-1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theCloseNotifyFlushTimeoutStartsAsTheContextsCloseTimeout() {
    TlsContext context =
        TlsContext.forServer(TestPki.ec().server().keyMaterial())
            .closeTimeout(Duration.ofMillis(1234))
            .build();
    assertThat(TlsHandler.server(context).getCloseNotifyFlushTimeoutMillis()).isEqualTo(1234);
  }

  @Test
  void aShortHandshakeTimeoutSetOnTheHandlerFailsAHandshakeThatGetsNoAnswer() throws Exception {
    TlsHandler client =
        TlsHandler.client(Fixtures.client(Provider.JDK, "TLSv1.3"), "localhost", 443);
    client.setHandshakeTimeoutMillis(50);
    EmbeddedChannel ch = new EmbeddedChannel(client);
    try {
      Thread.sleep(120);
      ch.runPendingTasks();
      ch.runScheduledPendingTasks();
      assertThat(client.handshakeFuture().cause()).hasMessageContaining("did not finish in 50 ms");
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void theSslContextAnswersForItsTlsContextAndEveryNewHandlerIsTheNiotlsHandler(Provider provider) {
    TlsContext server = Contexts.server(provider, KeyType.EC_P256).alpn("h2", "http/1.1").build();
    TlsContext client = Contexts.client(provider, KeyType.EC_P256).build();
    NiotlsSslContext serverSsl = NiotlsSslContext.of(server);
    NiotlsSslContext clientSsl = NiotlsSslContext.of(client);
    ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;

    assertThat(serverSsl.isServer()).isTrue();
    assertThat(clientSsl.isClient()).isTrue();
    assertThat(serverSsl.cipherSuites()).isEqualTo(server.cipherSuites());
    assertThat(serverSsl.applicationProtocolNegotiator().protocols())
        .containsExactly("h2", "http/1.1");
    assertThat(clientSsl.applicationProtocolNegotiator().protocols()).isEmpty();
    assertThat(serverSsl.newHandler(alloc)).isInstanceOf(TlsHandler.class);
    assertThat(serverSsl.newHandler(alloc, Runnable::run)).isInstanceOf(TlsHandler.class);
    assertThat(clientSsl.newHandler(alloc, "localhost", 443)).isInstanceOf(TlsHandler.class);
    assertThat(clientSsl.newHandler(alloc, "localhost", 443, Runnable::run))
        .isInstanceOf(TlsHandler.class);
    assertThatThrownBy(() -> clientSsl.newHandler(alloc))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("host name");
    SSLEngine engine = clientSsl.newEngine(alloc, "localhost", 443);
    try {
      assertThat(engine.getUseClientMode()).isTrue();
      assertThat(engine.getEnabledProtocols())
          .as("BoringSSL lists SSLv2Hello too")
          .contains(client.protocols().toArray(new String[0]));
    } finally {
      io.netty.util.ReferenceCountUtil.release(engine);
    }
  }

  @Test
  void theJdkProvidersSessionContextIsKnownOnceAHandlerOfItsSslContextHasHandshaken() {
    NiotlsSslContext serverSsl =
        NiotlsSslContext.of(Contexts.server(Provider.JDK, KeyType.EC_P256).build());
    NiotlsSslContext clientSsl =
        NiotlsSslContext.of(Contexts.client(Provider.JDK, KeyType.EC_P256).build());
    assertThatThrownBy(serverSsl::sessionContext).hasMessageContaining("finished a handshake");
    try (EmbeddedPair pair =
        EmbeddedPair.of(
            clientSsl.newHandler(ByteBufAllocator.DEFAULT, "localhost", 443),
            serverSsl.newHandler(ByteBufAllocator.DEFAULT))) {
      pair.pumpUntilQuiet();
      pair.server.runPendingTasks();
      assertThat(serverSsl.sessionContext()).isNotNull();
      assertThat(serverSsl.sessionTimeout()).isPositive();
    }
  }

  @Test
  void theOpenSslProvidersSessionContextIsKnownFromTheStart() {
    NiotlsSslContext ssl = NiotlsSslContext.of(Fixtures.server(Provider.OPENSSL, "TLSv1.3"));
    assertThat(ssl.sessionContext()).isInstanceOf(io.netty.handler.ssl.OpenSslSessionContext.class);
  }
}
