package io.niotls.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.testing.Contexts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the builder refuses about ticket keys, tickets, the session cache and the key log, and why:
 * each message names the file or setting and says what to do.
 */
class SessionSettingsTest {
  @TempDir Path dir;

  private Path file(String name, int bytes) throws Exception {
    byte[] content = new byte[bytes];
    for (int i = 0; i < bytes; i++) {
      content[i] = (byte) (name.hashCode() + i);
    }
    return Files.write(dir.resolve(name), content);
  }

  @Test
  void aKeyFileIsReadInNginxsLayoutNameFirst() throws Exception {
    Path key = file("a.key", 48);
    TicketKeys keys = TicketKeys.read(key);
    byte[] bytes = Files.readAllBytes(key);
    TicketKeys.Key k = keys.keys().get(0);
    assertThat(k.name()).isEqualTo(java.util.Arrays.copyOfRange(bytes, 0, 16));
    assertThat(k.aesKey()).isEqualTo(java.util.Arrays.copyOfRange(bytes, 16, 32));
    assertThat(k.hmacKey()).isEqualTo(java.util.Arrays.copyOfRange(bytes, 32, 48));
    assertThat(keys.files()).containsExactly(key);
  }

  @Test
  void aKeyFileOfAnotherSizeIsRefusedNamingItAndTheFormat() throws Exception {
    Path hex = file("hex.key", 96);
    assertThatThrownBy(() -> TicketKeys.read(hex))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("ticket key file " + hex + " is 96 bytes, not 48")
        .hasMessageContaining("openssl rand 48");
  }

  @Test
  void nginxs80ByteKeysAreRefusedSayingWhy() throws Exception {
    Path wide = file("wide.key", 80);
    assertThatThrownBy(() -> TicketKeys.read(wide))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("80 bytes")
        .hasMessageContaining("AES-128 only");
  }

  @Test
  void aMissingKeyFileIsRefusedSayingHowToMakeOne() {
    Path missing = dir.resolve("missing.key");
    assertThatThrownBy(() -> TicketKeys.read(missing))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining(missing + " does not exist")
        .hasMessageContaining("openssl rand 48");
  }

  @Test
  void twoKeysWithOneNameAreRefused() throws Exception {
    Path a = file("same.key", 48);
    Path b = Files.copy(a, dir.resolve("copy.key"));
    assertThatThrownBy(() -> TicketKeys.read(a, b))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining(a + " and " + b + " have the same name");
  }

  @Test
  void theJdkProviderRefusesTicketKeysSayingWhatToUse() throws Exception {
    Path key = file("jdk.key", 48);
    assertThatThrownBy(() -> Contexts.server(Provider.JDK, KeyType.EC_P256).ticketKeys(key).build())
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("JDK provider (SunJSSE) cannot take session ticket keys")
        .hasMessageContaining("BORINGSSL or OPENSSL");
  }

  @Test
  void theJdkProviderRefusesTicketsOff() {
    assertThatThrownBy(
            () -> Contexts.server(Provider.JDK, KeyType.EC_P256).sessionTickets(false).build())
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("cannot turn session tickets off for one context");
  }

  @Test
  void ticketSettingsAreAServers() throws Exception {
    Path key = file("client.key", 48);
    assertThatThrownBy(
            () -> Contexts.client(Provider.BORINGSSL, KeyType.EC_P256).ticketKeys(key).build())
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("ticketKeys is a server setting");
    assertThatThrownBy(
            () ->
                Contexts.client(Provider.BORINGSSL, KeyType.EC_P256).sessionTickets(false).build())
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("sessionResumption(false)");
  }

  @Test
  void keysWithTicketsOffContradictEachOther() throws Exception {
    Path key = file("off.key", 48);
    assertThatThrownBy(
            () ->
                Contexts.server(Provider.BORINGSSL, KeyType.EC_P256)
                    .ticketKeys(key)
                    .sessionTickets(false)
                    .build())
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("contradict");
  }

  @Test
  void cacheSizeAndLifetimeMustBePositive() {
    TlsContextBuilder builder = Contexts.server(Provider.JDK, KeyType.EC_P256);
    assertThatThrownBy(() -> builder.sessionCacheSize(0))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("at least 1, got 0");
    assertThatThrownBy(() -> builder.sessionTimeout(Duration.ofMillis(500)))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("at least one second");
  }

  @Test
  void keysGivenAsBytesNeedFortyEightEach() {
    assertThatThrownBy(() -> TicketKeys.of(List.of(new byte[47])))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("ticket key 0 is 47 bytes, not 48");
    assertThat(TicketKeys.of(List.of(new byte[48])).size()).isEqualTo(1);
  }
}
