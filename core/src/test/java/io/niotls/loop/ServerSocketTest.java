package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.testing.Ports;
import io.niotls.uri.TransportUri;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.StandardSocketOptions;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Where and how servers listen and clients connect: addresses, socket options, bad settings. */
class ServerSocketTest {
  private static final TlsContext SERVER = Contexts.server(Provider.JDK, KeyType.EC_P256).build();
  private static final TlsContext CLIENT = Contexts.client(Provider.JDK, KeyType.EC_P256).build();
  private static final ServerOptions OPTIONS = ServerOptions.builder().loopCount(1).build();

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
          .hasMessageStartingWith("address already in use: 127.0.0.1:" + port)
          .hasMessageContaining("another socket listens there");
    }
  }

  @Test
  void aPortHeldOnlyByConnectionsInTimeWaitSaysSoWhenAddressReuseIsOff() throws Exception {
    int port = Ports.inTimeWait();
    TransportUri uri = TransportUri.parse("tls://127.0.0.1:" + port);
    ServerOptions noReuse = ServerOptions.builder().loopCount(1).reuseAddress(false).build();
    assertThatThrownBy(() -> TlsServer.bind(uri, SERVER, EchoHandler::new, noReuse))
        .isInstanceOf(BindException.class)
        .hasMessage(
            "address already in use: 127.0.0.1:"
                + port
                + " (address reuse is off: connections in TIME_WAIT, which linger a minute or two"
                + " after closing, may still hold the port, and address reuse, on by default, lets"
                + " a server bind despite them; or another socket listens there)");
    // and what the message promises: with reuse on (the default) the port binds
    try (TlsServer server = TlsServer.bind(uri, SERVER, EchoHandler::new, OPTIONS)) {
      assertThat(server.localAddress().getPort()).isEqualTo(port);
    }
  }

  @Test
  void aServerOnAHostNameListensOnEveryAddressOfItOnOnePort() throws Exception {
    Addresses.Lookup bothLoopbacks =
        uri -> List.of(address("127.0.0.1", uri.port()), address("::1", uri.port()));
    try (TlsServer server =
            TlsServer.bind(
                TransportUri.parse("tls://localhost:0"),
                SERVER,
                EchoHandler::new,
                OPTIONS,
                bothLoopbacks);
        TlsClient client = TlsClient.create(ClientOptions.builder().loopCount(1).build())) {
      int port = server.uri().port();
      assertThat(server.uri()).hasToString("tls://localhost:" + port);
      assertThat(server.localAddresses())
          .containsExactly(address("127.0.0.1", port), address("::1", port));
      assertThat(server.localAddress()).isEqualTo(address("127.0.0.1", port));
      for (String host : List.of("127.0.0.1", "[::1]")) {
        Exchange exchange = new Exchange(("to " + host).getBytes(StandardCharsets.UTF_8));
        client.connect(TransportUri.parse("tls://" + host + ":" + port), CLIENT, exchange);
        TlsSession session = exchange.result.get(20, TimeUnit.SECONDS);
        assertThat(Addresses.text(session.remoteAddress())).isEqualTo(host + ":" + port);
      }
    }
  }

  @Test
  void aHostNameBindsEveryAddressTheSystemResolverGivesIt() throws Exception {
    List<InetSocketAddress> resolved = TransportUri.parse("tls://localhost:1").resolveAll();
    try (TlsServer server =
        TlsServer.bind(
            TransportUri.parse("tls://localhost:0"), SERVER, EchoHandler::new, OPTIONS)) {
      int port = server.uri().port();
      assertThat(server.localAddresses())
          .containsExactlyElementsOf(
              resolved.stream().map(a -> new InetSocketAddress(a.getAddress(), port)).toList());
    }
  }

  @Test
  void anAddressOfTheNameWhereAnotherSocketListensFailsTheBindAndNamesIt() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("::1", 0));
      int port = taken.getLocalPort();
      Addresses.Lookup bothLoopbacks =
          uri -> List.of(address("127.0.0.1", uri.port()), address("::1", uri.port()));
      assertThatThrownBy(
              () ->
                  TlsServer.bind(
                      TransportUri.parse("tls://localhost:" + port),
                      SERVER,
                      EchoHandler::new,
                      OPTIONS,
                      bothLoopbacks))
          .isInstanceOf(BindException.class)
          .hasMessage(
              "address already in use: [::1]:"
                  + port
                  + " (another socket listens there; pick another port or stop it)");
      // nothing is left listening on the address that did bind
      try (ServerSocket again = new ServerSocket()) {
        again.bind(new InetSocketAddress("127.0.0.1", port));
      }
    }
  }

  @Test
  void anAddressThatIsNotThisMachinesIsLeftOutWhenAnotherBinds() throws Exception {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine
    Addresses.Lookup oneForeign =
        uri -> List.of(address("192.0.2.1", uri.port()), address("127.0.0.1", uri.port()));
    try (TlsServer server =
        TlsServer.bind(
            TransportUri.parse("tcp://somewhere:0"), null, EchoHandler::new, OPTIONS, oneForeign)) {
      assertThat(server.localAddresses())
          .containsExactly(address("127.0.0.1", server.uri().port()));
    }
    Addresses.Lookup onlyForeign = uri -> List.of(address("192.0.2.1", uri.port()));
    assertThatThrownBy(
            () ->
                TlsServer.bind(
                    TransportUri.parse("tcp://somewhere:0"),
                    null,
                    EchoHandler::new,
                    OPTIONS,
                    onlyForeign))
        .isInstanceOf(BindException.class)
        .hasMessageStartingWith("cannot listen on 192.0.2.1:0: ");
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void aClientTriesTheNextAddressOfANameWhenOneRefuses(Provider provider) throws Exception {
    TlsContext server = Contexts.server(provider, KeyType.EC_P256).build();
    TlsContext client = Contexts.client(provider, KeyType.EC_P256).build();
    try (TlsServer s =
        TlsServer.bind(
            TransportUri.parse("tls://127.0.0.1:0"), server, EchoHandler::new, OPTIONS)) {
      int port = s.uri().port();
      // ::1 first, as many resolvers order localhost, and nothing listens there
      Addresses.Lookup v6First =
          uri -> List.of(address("::1", uri.port()), address("127.0.0.1", uri.port()));
      try (TlsClient c = TlsClient.create(ClientOptions.builder().loopCount(1).build(), v6First)) {
        Exchange exchange = new Exchange("second address".getBytes(StandardCharsets.UTF_8));
        c.connect(TransportUri.parse("tls://localhost:" + port), client, exchange);
        TlsSession session = exchange.result.get(20, TimeUnit.SECONDS);
        assertThat(session.remoteAddress()).isEqualTo(address("127.0.0.1", port));
        assertThat(session.info().serverName()).isEqualTo("localhost");
      }
    }
  }

  @Test
  void whenEveryAddressRefusesTheFailureNamesEachWithItsReason() throws Exception {
    int port = Ports.free(); // nothing listens there now
    Addresses.Lookup both =
        uri -> List.of(address("::1", uri.port()), address("127.0.0.1", uri.port()));
    try (TlsClient c = TlsClient.create(ClientOptions.builder().loopCount(1).build(), both)) {
      Recorder recorder = new Recorder();
      var opened = c.connect(TransportUri.parse("tcp://localhost:" + port), null, recorder);
      assertThatThrownBy(() -> opened.get(20, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(java.net.ConnectException.class)
          .hasMessage(
              "cannot connect to localhost:"
                  + port
                  + " at any of its addresses: [::1]:"
                  + port
                  + " (Connection refused), 127.0.0.1:"
                  + port
                  + " (Connection refused)");
      assertThat(recorder.closed.get(20, TimeUnit.SECONDS).reason()).isEqualTo(CloseReason.ERROR);
    }
  }

  @Test
  void aRefusedConnectToIpv6NamesTheAddressCompressed() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress("::1", 0));
      port = probe.getLocalPort();
    } // nothing listens there now
    try (TlsClient c = TlsClient.create(ClientOptions.builder().loopCount(1).build())) {
      var opened = c.connect(TransportUri.parse("tls://[::1]:" + port), CLIENT, new Recorder());
      assertThatThrownBy(() -> opened.get(20, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(java.net.ConnectException.class)
          .hasMessage("cannot connect to [::1]:" + port + ": Connection refused");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void aZoneIdInTheUriIsTheScopeTheClientConnectsWith(Provider provider) throws Exception {
    TlsContext server = Contexts.server(provider, KeyType.EC_P256).build();
    TlsContext client = Contexts.client(provider, KeyType.EC_P256).build();
    String loopback = NetworkInterface.getByInetAddress(InetAddress.getByName("::1")).getName();
    try (TlsServer s =
            TlsServer.bind(TransportUri.parse("tls://[::1]:0"), server, EchoHandler::new, OPTIONS);
        TlsClient c = TlsClient.create(ClientOptions.builder().loopCount(1).build())) {
      TransportUri zoned = TransportUri.parse("tls://[::1%25" + loopback + "]:" + s.uri().port());
      Exchange exchange = new Exchange("scoped".getBytes(StandardCharsets.UTF_8));
      c.connect(zoned, client, exchange);
      TlsSession session = exchange.result.get(20, TimeUnit.SECONDS);
      Inet6Address remote = (Inet6Address) session.remoteAddress().getAddress();
      assertThat(remote.getScopedInterface().getName()).isEqualTo(loopback);
      assertThat(session.toString()).contains("[::1%" + loopback + "]:" + s.uri().port());
    }
  }

  @Test
  void aZoneIdNamingNoInterfaceFailsTheConnectSayingSo() throws Exception {
    try (TlsClient c = TlsClient.create(ClientOptions.builder().loopCount(1).build())) {
      var opened =
          c.connect(TransportUri.parse("tcp://[fe80::1%25nosuchif9]:80"), null, new Recorder());
      assertThatThrownBy(() -> opened.get(20, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(java.net.UnknownHostException.class)
          .hasMessageContaining("zone id \"nosuchif9\", which names no network interface here");
    }
  }

  private static InetSocketAddress address(String ip, int port) {
    try {
      return new InetSocketAddress(InetAddress.getByName(ip), port);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
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
    int port = Ports.free(); // nothing listens there now
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
