package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.engine.Status;
import io.niotls.engine.TlsException;
import io.niotls.testing.Contexts;
import io.niotls.testing.TestPki;
import io.niotls.uri.TransportUri;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Handshake policy through a TlsServer and a TlsClient: a server that requires ALPN refuses a
 * client it shares no protocol with ({@code no_application_protocol}); a strict-SNI server refuses
 * a name it does not serve ({@code unrecognized_name}) and a lenient one answers it with its
 * certificate; a client with niotls's defaults refuses a server it cannot verify. Every provider
 * pairing where the alert crosses providers.
 */
class ServerPolicyTest {
  private static final long LIMIT = 20;

  @ParameterizedTest(name = "client {0}, server {1}")
  @CsvSource({"JDK,JDK", "JDK,OPENSSL", "OPENSSL,JDK", "OPENSSL,OPENSSL"})
  void aServerThatRequiresAlpnRefusesAClientSharingNoneWithNoApplicationProtocol(
      Provider clientProvider, Provider serverProvider) throws Exception {
    TlsContext server =
        Contexts.server(serverProvider, KeyType.EC_P256).alpn("h2").requireAlpn(true).build();
    TlsContext client = Contexts.client(clientProvider, KeyType.EC_P256).alpn("http/1.1").build();

    Outcome o = handshake(server, client);

    assertThat(o.clientFailure.alert()).isEqualTo("no_application_protocol");
    assertThat(o.clientFailure.getMessage()).startsWith("the peers share no ALPN protocol");
    assertThat(o.serverClose.reason()).isEqualTo(CloseReason.ALERT);
    assertThat(o.serverClose.cause())
        .isInstanceOf(TlsException.class)
        .hasMessage(
            "the client offers ALPN protocols [http/1.1], none of them and this server requires"
                + " one of [h2] (requireAlpn)");
    assertThat(((TlsException) o.serverClose.cause()).alert()).isEqualTo("no_application_protocol");
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void aServerThatRequiresAlpnRefusesAClientOfferingNoAlpnAtAll(Provider provider)
      throws Exception {
    TlsContext server =
        Contexts.server(provider, KeyType.EC_P256).alpn("h2", "http/1.1").requireAlpn(true).build();
    TlsContext client = Contexts.client(provider, KeyType.EC_P256).build();

    Outcome o = handshake(server, client);

    assertThat(o.clientFailure.alert()).isEqualTo("no_application_protocol");
    assertThat(o.serverClose.cause()).hasMessageStartingWith("the client offers no ALPN protocol");
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void aServerThatRequiresAlpnServesAClientSharingOneAndPicksItsOwnFavourite(Provider provider)
      throws Exception {
    TlsContext server =
        Contexts.server(provider, KeyType.EC_P256).alpn("h2", "http/1.1").requireAlpn(true).build();
    TlsContext client =
        Contexts.client(provider, KeyType.EC_P256).alpn("http/1.1", "h2", "spdy/3").build();

    Outcome o = handshake(server, client);

    assertThat(o.clientFailure).isNull();
    assertThat(o.session.info().applicationProtocol()).isEqualTo("h2");
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void withoutRequireAlpnAClientSharingNoProtocolIsServedWithoutOne(Provider provider)
      throws Exception {
    TlsContext server = Contexts.server(provider, KeyType.EC_P256).alpn("h2").build();
    TlsContext client = Contexts.client(provider, KeyType.EC_P256).alpn("http/1.1").build();

    Outcome o = handshake(server, client);

    assertThat(o.clientFailure).isNull();
    assertThat(o.session.info().applicationProtocol()).isNull();
  }

  @ParameterizedTest(name = "client {0}, server {1}")
  @CsvSource({"JDK,JDK", "JDK,OPENSSL", "OPENSSL,JDK", "OPENSSL,OPENSSL"})
  void aStrictServerRefusesANameItDoesNotServeWithUnrecognizedName(
      Provider clientProvider, Provider serverProvider) throws Exception {
    TlsContext server = Contexts.server(serverProvider, KeyType.EC_P256).sniStrict().build();
    TlsContext client =
        Contexts.client(clientProvider, KeyType.EC_P256)
            .serverName("unknown.example")
            .hostnameVerification(false)
            .build();

    Outcome o = handshake(server, client);

    assertThat(o.clientFailure.alert()).isEqualTo("unrecognized_name");
    assertThat(o.clientFailure.status()).isEqualTo(Status.SSL);
    assertThat(o.serverClose.reason()).isEqualTo(CloseReason.ALERT);
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void aStrictServerServesTheNamesItKnowsAndClientsThatSendNone(Provider provider)
      throws Exception {
    TlsContext server =
        Contexts.server(provider, KeyType.EC_P256).sniStrict("*.test", "localhost").build();
    TlsContext client = Contexts.client(provider, KeyType.EC_P256).build();

    Outcome byName = handshake(server, client, "tls://localhost:%d");
    Outcome byAddress = handshake(server, client, "tls://127.0.0.1:%d"); // an IP: no SNI
    TlsContext wildcard =
        Contexts.client(provider, KeyType.EC_P256)
            .serverName("mail.test")
            .hostnameVerification(false)
            .build();
    Outcome byWildcard = handshake(server, wildcard);

    assertThat(byName.clientFailure).isNull();
    assertThat(byName.session.info().serverName()).isEqualTo("localhost");
    assertThat(byAddress.clientFailure).isNull();
    assertThat(byWildcard.clientFailure).isNull();
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void aLenientServerAnswersAnUnknownNameWithItsCertificate(Provider provider) throws Exception {
    TlsContext server = Contexts.server(provider, KeyType.EC_P256).build();
    TlsContext client =
        Contexts.client(provider, KeyType.EC_P256)
            .serverName("unknown.example")
            .hostnameVerification(false)
            .build();

    Outcome o = handshake(server, client);

    assertThat(o.clientFailure).isNull();
    assertThat(o.session.info().peerCertificates().get(0))
        .isEqualTo(TestPki.of(KeyType.EC_P256).server().certificate());
    assertThat(o.serverSession.info().serverName()).isEqualTo("unknown.example");
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void aClientWithTheDefaultsRefusesASelfSignedServerAndSaysWhy(Provider provider)
      throws Exception {
    TlsContext server =
        TlsContext.forServer(TestPki.of(KeyType.EC_P256).stranger().keyMaterial())
            .provider(provider)
            .build();
    TlsContext client = TlsContext.forClient().provider(provider).build(); // system trust

    Outcome o = handshake(server, client, "tls://localhost:%d");

    assertThat(o.clientFailure.status()).isEqualTo(Status.SSL);
    assertThat(o.clientFailure.getMessage())
        .startsWith(
            "the peer's certificate is not trusted: add its CA to the trust settings or pin it");
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void aClientWithTheDefaultsRefusesACertificateForAnotherHostAndSaysWhy(Provider provider)
      throws Exception {
    TlsContext server =
        TlsContext.forServer(TestPki.of(KeyType.EC_P256).otherServer().keyMaterial())
            .provider(provider)
            .build();
    TlsContext client = Contexts.client(provider, KeyType.EC_P256).build(); // trusts the CA

    Outcome o = handshake(server, client, "tls://localhost:%d");

    assertThat(o.clientFailure.getMessage())
        .startsWith("the peer's certificate does not name the host we connected to");
  }

  /** How one handshake ended on each side. */
  record Outcome(
      TlsSession session,
      TlsException clientFailure,
      TlsSession serverSession,
      Recorder.Closed serverClose) {}

  private static Outcome handshake(TlsContext server, TlsContext client) throws Exception {
    return handshake(server, client, "tls://127.0.0.1:%d");
  }

  /** Connects a client to a fresh server at {@code uri} (%d: the port); returns both outcomes. */
  private static Outcome handshake(TlsContext server, TlsContext client, String uri)
      throws Exception {
    Handlers<Recorder> handlers = new Handlers<>(Recorder::new);
    try (LoopWatch watch = new LoopWatch();
        TlsServer s =
            TlsServer.bind(
                TransportUri.parse("tls://127.0.0.1:0"),
                server,
                handlers,
                ServerOptions.builder().loopCount(1).build());
        TlsClient c = TlsClient.create(ClientOptions.builder().loopCount(1).build())) {
      Recorder recorder = new Recorder();
      var opened =
          c.connect(TransportUri.parse(String.format(uri, s.uri().port())), client, recorder);
      TlsSession session = null;
      TlsException failure = null;
      try {
        session = opened.get(LIMIT, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(TlsException.class);
        failure = (TlsException) e.getCause();
        assertThat(recorder.closed.get(LIMIT, TimeUnit.SECONDS).reason())
            .isEqualTo(CloseReason.ALERT);
      }
      Recorder serverSide = handlers.made.poll(LIMIT, TimeUnit.SECONDS);
      TlsSession serverSession = null;
      Recorder.Closed serverClose = null;
      if (failure == null) {
        serverSession = serverSide.opened.get(LIMIT, TimeUnit.SECONDS);
        session.close().get(LIMIT, TimeUnit.SECONDS);
      } else {
        serverClose = serverSide.closed.get(LIMIT, TimeUnit.SECONDS);
        assertThat(serverSide.opened).as("the server session never opened").isNotDone();
      }
      watch.assertNothingEscaped();
      return new Outcome(session, failure, serverSession, serverClose);
    }
  }
}
