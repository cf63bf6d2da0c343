package io.niotls.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.testing.ChildProcess;
import io.niotls.testing.Contexts;
import io.niotls.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code sessionTimeout} and {@code sessionCacheSize} on every provider, judged by {@code openssl
 * s_client}: the lifetime a TLS 1.3 server states in its tickets, and a TLS 1.2 session-ID cache of
 * one that forgets the first client's session once a second client's takes its place.
 */
class SessionCacheSettingsTest {
  private static final Duration LIMIT = Duration.ofSeconds(20);
  private static final String PING = "ping-the-cache";

  @TempDir Path dir;

  @BeforeEach
  void ca() {
    TestPki.ec().ca().writeCertificatePem(dir.resolve("ca.pem"));
  }

  /**
   * Where the timeout ends resumption (see {@code TlsContextBuilder.sessionTimeout}): SunJSSE's TLS
   * 1.2 session-ID cache, BoringSSL's TLS 1.2 tickets (BORINGSSL issues them by default) and
   * session-ID cache (OPENSSL, which issues TLS 1.2 tickets only with ticket keys).
   */
  @ParameterizedTest(name = "{0} {1} {2}")
  @CsvSource({
    "JDK,TLSv1.2,session IDs",
    "OPENSSL,TLSv1.2,session IDs",
    "BORINGSSL,TLSv1.2,tickets"
  })
  void aSessionIsNotResumedOnceItsTimeoutHasPassed(Provider provider, String protocol, String by)
      throws Exception {
    String flag = "TLSv1.3".equals(protocol) ? "-tls1_3" : "-tls1_2";
    // -no_ticket: the session lives in the server's session-ID cache only
    String[] plain = by.equals("tickets") ? new String[0] : new String[] {"-no_ticket"};
    try (EchoServer server =
        EchoServer.start(
            Contexts.server(provider, KeyType.EC_P256)
                .protocols(protocol)
                // whole seconds, counted from a second boundary: 3 s leave the immediate
                // resumption at least 2 s even on a busy machine
                .sessionTimeout(Duration.ofSeconds(3))
                .build())) {
      int port = server.port();
      connect(port, with(plain, flag, "-sess_out", "a.pem"));
      assertThat(connect(port, with(plain, flag, "-sess_in", "a.pem"))).startsWith("Reused");
      connect(port, with(plain, flag, "-sess_out", "b.pem"));
      Thread.sleep(4_500);
      assertThat(connect(port, with(plain, flag, "-sess_in", "b.pem"))).startsWith("New");
    }
  }

  @org.junit.jupiter.api.Test
  void aJdkServersTls13TicketStatesTheSessionTimeoutAsItsLifetime() throws Exception {
    try (EchoServer server =
        EchoServer.start(
            Contexts.server(Provider.JDK, KeyType.EC_P256)
                .protocols("TLSv1.3")
                .sessionTimeout(Duration.ofSeconds(321))
                .build())) {
      connect(server.port(), "-tls1_3", "-sess_out", "s.pem");
      assertThat(text("s.pem")).contains("TLS session ticket lifetime hint: 321 (seconds)");
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL", "BORINGSSL"})
  void aSessionCacheOfOneKeepsOnlyTheLatestTls12Session(Provider provider) throws Exception {
    try (EchoServer server =
        EchoServer.start(
            Contexts.server(provider, KeyType.EC_P256)
                .protocols("TLSv1.2")
                .sessionCacheSize(1)
                .build())) {
      int port = server.port();
      // -no_ticket: the sessions live in the server's session-ID cache, nowhere else
      assertThat(connect(port, "-tls1_2", "-no_ticket", "-sess_out", "first.pem"))
          .startsWith("New");
      assertThat(connect(port, "-tls1_2", "-no_ticket", "-sess_in", "first.pem"))
          .as("the cache keeps one session")
          .startsWith("Reused");
      assertThat(connect(port, "-tls1_2", "-no_ticket", "-sess_out", "second.pem"))
          .startsWith("New");
      assertThat(connect(port, "-tls1_2", "-no_ticket", "-sess_in", "second.pem"))
          .startsWith("Reused");
      assertThat(connect(port, "-tls1_2", "-no_ticket", "-sess_in", "first.pem"))
          .as("the first session was forgotten for the second")
          .startsWith("New");
    }
  }

  private static String[] with(String[] first, String... more) {
    List<String> all = new ArrayList<>(List.of(first));
    all.addAll(List.of(more));
    return all.toArray(new String[0]);
  }

  /** One s_client connection that echoes a line; returns its New/Reused line. */
  private String connect(int port, String... options) throws Exception {
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
                "ca.pem",
                "-verify_return_error"));
    command.addAll(List.of(options));
    try (ChildProcess client = ChildProcess.inDirectory(dir, command.toArray(new String[0]))) {
      String line = client.awaitLine(l -> l.startsWith("New,") || l.startsWith("Reused,"), LIMIT);
      client.sendLine(PING);
      client.await(PING, LIMIT); // the server has written: tickets it held are out too
      client.endInput();
      assertThat(client.waitFor(LIMIT)).as(client.err()).isZero();
      return line;
    }
  }

  private String text(String session) throws Exception {
    assertThat(Files.exists(dir.resolve(session))).as("openssl saved a session").isTrue();
    try (ChildProcess text =
        ChildProcess.inDirectory(dir, "openssl", "sess_id", "-in", session, "-noout", "-text")) {
      assertThat(text.waitFor(LIMIT)).isZero();
      return text.out();
    }
  }
}
