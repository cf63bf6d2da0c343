package io.niotls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HelpAndVersionTest {

  @Test
  void versionPrintsTheProjectVersion() {
    Cli.Result r = Cli.run("--version");
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("niotls " + VersionProvider.version()).contains("Java ");
    assertThat(VersionProvider.version()).doesNotContain("${").isNotEqualTo("unknown");
  }

  @Test
  void rootHelpListsTheThreeCommands() {
    Cli.Result r = Cli.run("--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("server", "client", "bench");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void serverHelpShowsItsOptions() {
    Cli.Result r = Cli.run("server", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("Usage: niotls server")
        .contains("--mode", "--starttls", "--cert", "--keystore", "--cert-fingerprint")
        .contains("--client-auth", "--no-reuse-address", "--no-tcp-nodelay", "--handshake-timeout")
        .contains("default: tls://127.0.0.1:8443");
  }

  @Test
  void clientHelpShowsItsOptions() {
    Cli.Result r = Cli.run("client", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("Usage: niotls client")
        .contains("--trust", "--pin", "--insecure", "--servername", "--alpn", "--starttls");
  }

  @Test
  void benchHelpShowsItsOptions() {
    Cli.Result r = Cli.run("bench", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("Usage: niotls bench")
        .contains("--connections", "--concurrency", "--resume", "--key", "--json", "--duration")
        .contains("default: 2000", "default: 100");
  }

  @Test
  void everyCommandHasVersionToo() {
    assertThat(Cli.run("bench", "--version").out()).startsWith("niotls ");
  }
}
