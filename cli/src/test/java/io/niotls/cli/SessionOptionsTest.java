package io.niotls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The session options' refusals, each one line with exit code 2: what cannot work and why, before
 * anything is bound or connected.
 */
class SessionOptionsTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"--sess-out", "--sess-in"})
  void theClientsSessionFileOptionsSayNoProviderCanSaveASession(String option) {
    for (String provider : new String[] {"jdk", "openssl", "boringssl", "auto"}) {
      Cli.Result r =
          Cli.run("client", "tls://127.0.0.1:1", option, "s.pem", "--provider", provider);
      assertThat(r.code()).as(provider).isEqualTo(Main.USAGE);
      assertThat(r.err()).as(provider).startsWith("niotls: " + option + " cannot work");
      if (provider.equals("jdk") || provider.equals("auto")) {
        assertThat(r.err()).contains("SunJSSE) has no API to export or import a TLS session");
      }
      if (!provider.equals("jdk")) {
        assertThat(r.err()).contains("netty-tcnative has no binding for BoringSSL's session");
      }
      assertThat(r.err()).contains("niotls bench --resume");
    }
  }

  @Test
  void ticketKeysAndNoTicketsContradictEachOther() throws Exception {
    Path key = Files.write(dir.resolve("t.key"), new byte[48]);
    Cli.Result r =
        Cli.run("server", "tls://127.0.0.1:0", "--ticket-keys", key.toString(), "--no-tickets");
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("--no-tickets and --ticket-keys contradict each other");
  }

  @Test
  void theJdkProviderRefusesTicketKeysSayingWhatToUse() throws Exception {
    Path key = Files.write(dir.resolve("jdk.key"), new byte[48]);
    Cli.Result r =
        Cli.run(
            "server", "tls://127.0.0.1:0", "--provider", "jdk", "--ticket-keys", key.toString());
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err())
        .contains("cannot take session ticket keys")
        .contains("BORINGSSL or OPENSSL");
  }

  @Test
  void aKeyFileOfTheWrongSizeIsNamed() throws Exception {
    Path key = Files.writeString(dir.resolve("hex.key"), "00".repeat(48));
    Cli.Result r = Cli.run("server", "tls://127.0.0.1:0", "--ticket-keys", key.toString());
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("ticket key file " + key + " is 96 bytes, not 48");
  }

  @Test
  void aPlaintextServerHasNoSessionsToSet() {
    Cli.Result r = Cli.run("server", "tcp://127.0.0.1:0", "--session-cache-size", "10");
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("is plaintext: session options need tls://");
  }
}
