package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.context.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.uri.TransportUri;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.StandardSocketOptions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Where and how servers listen and clients connect: addresses, socket options, bad settings. */
class ServerSocketTest {
  private static final TlsContext SERVER = Contexts.server(Provider.JDK, KeyType.EC_P256).build();
  private static final TlsContext CLIENT = Contexts.client(Provider.JDK, KeyType.EC_P256).build();

  @ParameterizedTest(name = "reuseAddress={0}")
  @ValueSource(booleans = {true, false})
  void bindingAPortAlreadyListenedOnNamesTheAddress(boolean reuseAddress) throws Exception {
    ServerOptions options = ServerOptions.builder().loopCount(1).reuseAddress(reuseAddress).build();
    try (TlsServer first =
        TlsServer.bind(
            TransportUri.parse("tls://127.0.0.1:0"), SERVER, EchoHandler::new, options)) {
      int port = first.uri().port();
      assertThatThrownBy(
              () ->
                  TlsServer.bind(
                      TransportUri.parse("tls://127.0.0.1:" + port),
                      SERVER,
                      EchoHandler::new,
                      options))
          .isInstanceOf(BindException.class)
          .hasMessageStartingWith("address already in use: 127.0.0.1:" + port);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void aServerOnIpv6LoopbackServesAClientConnectingToIt(Provider provider) throws Exception {
    TlsContext server = Contexts.server(provider, KeyType.EC_P256).build();
    TlsContext client = Contexts.client(provider, KeyType.EC_P256).build();
    ServerOptions options = ServerOptions.builder().loopCount(1).build();
    try (TlsServer s =
            TlsServer.bind(TransportUri.parse("tls://[::1]:0"), server, EchoHandler::new, options);
        TlsClient c = TlsClient.create(ClientOptions.builder().loopCount(1).build())) {
      assertThat(s.uri().toString()).isEqualTo("tls://[::1]:" + s.uri().port());
      Exchange exchange = new Exchange("over IPv6".getBytes());
      c.connect(TransportUri.parse("tls://[::1]:" + s.uri().port()), client, exchange);
      TlsSession session = exchange.result.get(20, TimeUnit.SECONDS);
      assertThat(session.remoteAddress().getAddress()).isInstanceOf(Inet6Address.class);
      assertThat(session.remoteAddress().getAddress().isLoopbackAddress()).isTrue();
      assertThat(session.info().serverName()).as("no SNI for an IP literal").isNull();
    }
  }

  @ParameterizedTest(name = "tcpNoDelay={0}")
  @ValueSource(booleans = {true, false})
  void tcpNoDelayFollowsTheOptionOnAcceptedAndConnectedSockets(boolean on) throws Exception {
    Handlers<EchoHandler> handlers = new Handlers<>(EchoHandler::new);
    ServerOptions serverOptions = ServerOptions.builder().loopCount(1).tcpNoDelay(on).build();
    ClientOptions clientOptions = ClientOptions.builder().loopCount(1).tcpNoDelay(on).build();
    try (TlsServer s =
            TlsServer.bind(
                TransportUri.parse("tls://127.0.0.1:0"), SERVER, handlers, serverOptions);
        TlsClient c = TlsClient.create(clientOptions)) {
      Connection client =
          (Connection) c.connect(s.uri(), CLIENT, new Recorder()).get(20, TimeUnit.SECONDS);
      Connection accepted =
          (Connection) handlers.made.poll(20, TimeUnit.SECONDS).opened.get(20, TimeUnit.SECONDS);
      assertThat(client.socket().getOption(StandardSocketOptions.TCP_NODELAY)).isEqualTo(on);
      assertThat(accepted.socket().getOption(StandardSocketOptions.TCP_NODELAY)).isEqualTo(on);
    }
  }

  @Test
  void aTlsUriWithoutAContextIsRefusedWithAHint() {
    assertThatThrownBy(
            () -> TlsServer.bind(TransportUri.parse("tls://127.0.0.1:0"), null, EchoHandler::new))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tls:// needs a TlsContext; use tcp:// for plaintext");
  }

  @Test
  void aClientContextCannotServe() {
    assertThatThrownBy(
            () -> TlsServer.bind(TransportUri.parse("tls://127.0.0.1:0"), CLIENT, EchoHandler::new))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a server needs a context from TlsContext.forServer");
  }

  @Test
  void aSchemeAskingForAVersionTheContextLacksIsRefusedNamingBoth() throws Exception {
    TlsContext onlyTls13 =
        Contexts.client(Provider.JDK, KeyType.EC_P256).protocols("TLSv1.3").build();
    try (TlsClient c = TlsClient.create(ClientOptions.builder().loopCount(1).build())) {
      assertThatThrownBy(
              () ->
                  c.connect(TransportUri.parse("tlsv1.2://127.0.0.1:1"), onlyTls13, new Recorder()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "tlsv1.2:// asks for TLSv1.2, but the context allows only TLSv1.3: build the context"
                  + " with protocols(\"TLSv1.2\") or use tls://");
    }
  }

  @Test
  void aRefusedConnectFailsTheFutureAndTellsTheHandler() throws Exception {
    int port = io.niotls.interop.OpensslProcess.freePort(); // nothing listens there now
    try (TlsClient c = TlsClient.create(ClientOptions.builder().loopCount(1).build())) {
      Recorder recorder = new Recorder();
      var opened = c.connect(TransportUri.parse("tls://127.0.0.1:" + port), CLIENT, recorder);
      assertThatThrownBy(() -> opened.get(20, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(java.net.ConnectException.class)
          .hasMessageStartingWith("cannot connect to 127.0.0.1:" + port);
      assertThat(recorder.closed.get(20, TimeUnit.SECONDS).reason()).isEqualTo(CloseReason.ERROR);
    }
  }

  @Test
  void aNameThatDoesNotResolveFailsTheFuture() throws Exception {
    try (TlsClient c = TlsClient.create(ClientOptions.builder().loopCount(1).build())) {
      var opened =
          c.connect(TransportUri.parse("tls://no-such-host.invalid:443"), CLIENT, new Recorder());
      assertThatThrownBy(() -> opened.get(20, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(java.net.UnknownHostException.class)
          .hasMessageContaining("no-such-host.invalid");
    }
  }
}
