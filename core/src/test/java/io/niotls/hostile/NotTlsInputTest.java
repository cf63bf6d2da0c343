package io.niotls.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.context.Provider;
import io.niotls.engine.Status;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bytes that are not TLS at all, sent where a TLS record is due: the engine refuses them from the
 * first record header, with a message that says what the peer probably is, sends at most an alert
 * and a close_notify, and gives back every buffer.
 */
class NotTlsInputTest {

  static Stream<Arguments> rolesAndProviders() {
    return Stream.of(Provider.JDK, Provider.OPENSSL, Provider.BORINGSSL)
        .flatMap(p -> Stream.of(Arguments.of(p, "server"), Arguments.of(p, "client")));
  }

  /** A victim that waits for the peer's first record: a fresh server, or a client past hello. */
  static Victim waiting(Provider provider, String role) {
    Victim victim = "server".equals(role) ? Victim.server(provider) : Victim.client(provider);
    assertThat(victim.handshake()).isEqualTo(Status.WANT_READ);
    victim.output(); // the client's ClientHello, which this hostile server ignores
    return victim;
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("rolesAndProviders")
  void randomBytesAreRefusedAsNotTls(Provider provider, String role) {
    byte[] garbage = new byte[4096];
    new Random(7).nextBytes(garbage);
    garbage[0] = 0x42; // no content type is 0x42: the header is refused whatever follows
    try (Victim victim = waiting(provider, role)) {
      victim.feed(garbage);

      assertThat(victim.handshake()).isEqualTo(Status.SSL);
      assertThat(victim.engine.failure().alert()).isEqualTo("unexpected_message");
      assertThat(victim.why())
          .startsWith("the peer sent data that is not TLS (record header 42 ")
          .endsWith("wrong port or protocol?");
      assertRefusedWithFatalAlert(victim, Records.UNEXPECTED_MESSAGE);
      assertThat(victim.outstanding()).as("buffers held after the failure").isZero();
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("rolesAndProviders")
  void anHttpRequestIsRefusedAsPlaintextHttp(Provider provider, String role) {
    try (Victim victim = waiting(provider, role)) {
      victim.feed(Records.httpGet());

      assertThat(victim.handshake()).isEqualTo(Status.SSL);
      assertThat(victim.engine.failure().alert()).isEqualTo("unexpected_message");
      assertThat(victim.why())
          .isEqualTo(
              "the peer sent plaintext HTTP to a TLS endpoint: use https:// or a TLS client");
      assertRefusedWithFatalAlert(victim, Records.UNEXPECTED_MESSAGE);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("rolesAndProviders")
  void theFailureIsReportedAgainByEveryLaterCallWithoutNewWork(Provider provider, String role) {
    try (Victim victim = waiting(provider, role)) {
      victim.feed(Records.httpGet());
      assertThat(victim.handshake()).isEqualTo(Status.SSL);
      victim.output();
      victim.feed(Records.httpGet());

      assertThat(victim.handshake()).isEqualTo(Status.SSL);
      assertThat(victim.read()).isEqualTo(Status.SSL);
      assertThat(victim.transport.pendingInbound())
          .as("a failed engine reads nothing more")
          .isEqualTo(Records.httpGet().length);
      assertThat(victim.output()).as("and writes nothing more").isEmpty();
    }
  }

  /**
   * What the victim wrote back is one plaintext record, a fatal alert with {@code description}:
   * never a close_notify that would look like a clean end, never a flood, never application data.
   */
  static void assertRefusedWithFatalAlert(Victim victim, int description) {
    byte[] reply = victim.output();
    assertThat(Records.parse(reply)).hasSize(1);
    assertThat(Records.lastFatalAlert(reply)).isEqualTo(description);
  }
}
