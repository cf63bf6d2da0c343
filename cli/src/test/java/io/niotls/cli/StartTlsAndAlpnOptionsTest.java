package io.niotls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The options of issue 15 item 9 as the command takes them: what they build, and the one-line
 * refusals (exit code 2) of combinations that cannot work.
 */
class StartTlsAndAlpnOptionsTest {

  @Test
  void requireAlpnReachesTheServerContext() {
    ServerCommand.Plan plan =
        Cli.<ServerCommand>parse("server", "--alpn", "h2,http/1.1", "--require-alpn").prepare();
    assertThat(plan.context().requireAlpn()).isTrue();
    assertThat(plan.context().alpn()).containsExactly("h2", "http/1.1");
    assertThat(Cli.<ServerCommand>parse("server").prepare().context().requireAlpn()).isFalse();
  }

  @Test
  void requireAlpnInHttpModeRequiresHttp11() {
    ServerCommand.Plan plan =
        Cli.<ServerCommand>parse("server", "--mode", "http", "--require-alpn").prepare();
    assertThat(plan.context().requireAlpn()).isTrue();
    assertThat(plan.context().alpn()).containsExactly("http/1.1");
  }

  @Test
  void requireAlpnWithoutProtocolsIsRefused() {
    assertThat(error("server", "--require-alpn"))
        .isEqualTo(
            "niotls: --require-alpn needs the protocols to require: add --alpn, e.g. --alpn"
                + " h2,http/1.1");
  }

  @Test
  void requireAlpnOnAPlaintextServerIsRefused() {
    assertThat(error("server", "--alpn", "h2", "--require-alpn", "tcp://127.0.0.1:0"))
        .isEqualTo(
            "niotls: tcp://127.0.0.1:0 is plaintext: ALPN is negotiated in the TLS handshake;"
                + " --require-alpn needs tls://");
  }

  @Test
  void eachStartTlsProtocolMakesAServerWithAContextOnAPlaintextUri() {
    for (String protocol : new String[] {"imap", "pop3", "ftp"}) {
      ServerCommand.Plan plan =
          Cli.<ServerCommand>parse("server", "--starttls", protocol, "tcp://127.0.0.1:0").prepare();
      assertThat(plan.startTls().text()).isEqualTo(protocol);
      assertThat(plan.smtp()).isFalse();
      assertThat(plan.context()).isNotNull();
      ClientCommand.Plan client =
          Cli.<ClientCommand>parse(
                  "client", "--starttls", protocol, "--insecure", "tcp://127.0.0.1:1")
              .prepare();
      assertThat(client.startsTls()).isTrue();
      assertThat(client.context().isClient()).isTrue();
    }
  }

  @Test
  void startTlsOnATlsUriIsRefusedWithTheProtocolsUsualPort() {
    assertThat(error("client", "--starttls", "imap", "tls://127.0.0.1:993"))
        .isEqualTo(
            "niotls: --starttls imap needs a tcp:// URI: the connection starts in plaintext and"
                + " upgrades (e.g. tcp://mail.example.com:143)");
    assertThat(error("server", "--starttls", "ftp", "tls://127.0.0.1:0"))
        .isEqualTo(
            "niotls: --starttls ftp needs a tcp:// URI: the connection starts in plaintext and"
                + " upgrades (e.g. tcp://127.0.0.1:2121)");
  }

  @Test
  void anUnknownStartTlsProtocolIsRefusedNamingTheKnownOnes() {
    assertThat(error("client", "--starttls", "xmpp", "tcp://127.0.0.1:5222"))
        .contains("xmpp")
        .contains("SMTP, IMAP, POP3, FTP");
  }

  @Test
  void showCertsOnAPlaintextUriIsRefused() {
    assertThat(error("client", "--showcerts", "tcp://127.0.0.1:80"))
        .isEqualTo(
            "niotls: --showcerts shows the certificates of a TLS server: use tls:// (or"
                + " --starttls on tcp://), not tcp://127.0.0.1:80");
  }

  private static String error(String... args) {
    Cli.Result r = Cli.run(args);
    assertThat(r.code()).as("exit code; stderr: %s", r.err()).isEqualTo(Main.USAGE);
    assertThat(r.out()).isEmpty();
    return r.err().strip();
  }
}
