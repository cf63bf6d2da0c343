package io.niotls.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.context.Provider;
import io.niotls.engine.Status;
import io.niotls.wire.TlsRecords;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A record header that announces more than TLS allows (2^14 + 2048 bytes before and in TLS 1.2,
 * 2^14 + 256 in TLS 1.3) is refused from its 5 bytes alone: the engine neither waits for the body
 * nor takes a buffer for it. A header exactly at the limit is accepted and waits for its body.
 */
class OversizedRecordTest {

  static Stream<Arguments> rolesAndProviders() {
    return NotTlsInputTest.rolesAndProviders();
  }

  static int limit(String protocol) {
    return "TLSv1.3".equals(protocol) ? TlsRecords.MAX_TLS13_BODY : TlsRecords.MAX_TLS12_BODY;
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("rolesAndProviders")
  void anOversizedHandshakeHeaderIsRefusedFromItsFiveBytes(Provider provider, String role) {
    try (Victim victim = NotTlsInputTest.waiting(provider, role)) {
      victim.feed(Records.header(TlsRecords.HANDSHAKE, TlsRecords.MAX_TLS12_BODY + 1));

      assertThat(victim.handshake()).isEqualTo(Status.SSL);
      assertThat(victim.engine.failure().alert()).isEqualTo("record_overflow");
      assertThat(victim.why())
          .isEqualTo("the peer announced a 18433-byte record, more than the 18432 TLS allows");
      assertThat(victim.transport.pendingInbound()).as("bytes left unread").isZero();
      assertThat(victim.outstanding()).as("buffers held after the failure").isZero();
      NotTlsInputTest.assertRefusedWithFatalAlert(victim, Records.RECORD_OVERFLOW);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("rolesAndProviders")
  void aHandshakeHeaderAtTheLimitWaitsForItsBody(Provider provider, String role) {
    try (Victim victim = NotTlsInputTest.waiting(provider, role)) {
      victim.feed(Records.header(TlsRecords.HANDSHAKE, TlsRecords.MAX_TLS12_BODY));

      assertThat(victim.handshake()).as(victim.why()).isEqualTo(Status.WANT_READ);
      assertThat(victim.outstanding()).as("one buffer holds the partial record").isEqualTo(1);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.niotls.testing.Matrix#providersAndProtocols")
  void anOversizedHeaderAfterTheHandshakeIsRefusedFromItsFiveBytes(
      Provider provider, String protocol) throws Exception {
    int limit = limit(protocol);
    try (Victim victim = Victim.of(Victim.forgeable(provider, protocol, false));
        ForgingPeer peer = new ForgingPeer(victim, protocol)) {
      peer.handshake();
      victim.output();
      victim.feed(Records.header(TlsRecords.APPLICATION_DATA, limit + 1));

      assertThat(victim.read()).isEqualTo(Status.SSL);
      assertThat(victim.engine.failure().alert()).isEqualTo("record_overflow");
      assertThat(victim.why())
          .isEqualTo(
              "the peer announced a "
                  + (limit + 1)
                  + "-byte record, more than the "
                  + limit
                  + " TLS allows");
      assertThat(victim.transport.pendingInbound()).isZero();
      assertThat(victim.outstanding()).isZero();
    }
  }

  /** The JDK's TLS 1.2 limit is the suite's own, tighter one: see the test below. */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"JDK,TLSv1.3", "OPENSSL,TLSv1.3", "OPENSSL,TLSv1.2"})
  void aHeaderAtTheNegotiatedLimitWaitsForItsBody(Provider provider, String protocol)
      throws Exception {
    try (Victim victim = Victim.of(Victim.forgeable(provider, protocol, true));
        ForgingPeer peer = new ForgingPeer(victim, protocol)) {
      peer.handshake();
      victim.feed(Records.header(TlsRecords.APPLICATION_DATA, limit(protocol)));

      assertThat(victim.read()).as(victim.why()).isEqualTo(Status.WANT_READ);
      assertThat(victim.outstanding()).isEqualTo(1);
    }
  }

  @Test
  void theJdkRefusesATls12HeaderAboveItsSuitesLimitFromTheHeaderToo() throws Exception {
    try (Victim victim = Victim.of(Victim.forgeable(Provider.JDK, "TLSv1.2", true));
        ForgingPeer peer = new ForgingPeer(victim, "TLSv1.2")) {
      peer.handshake();
      // AES-GCM adds 24 bytes to at most 2^14: the JDK allows 16709 where TLS allows 18432
      victim.feed(Records.header(TlsRecords.APPLICATION_DATA, TlsRecords.MAX_TLS12_BODY));

      assertThat(victim.read()).isEqualTo(Status.SSL);
      assertThat(victim.why()).contains("Input record too big");
      assertThat(victim.transport.pendingInbound()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL", "BORINGSSL"})
  void theTls13LimitIsNotAppliedBeforeTheVersionIsKnown(Provider provider) {
    try (Victim victim = Victim.server(provider)) {
      victim.feed(Records.header(TlsRecords.HANDSHAKE, TlsRecords.MAX_TLS13_BODY + 1));

      assertThat(victim.handshake()).as(victim.why()).isEqualTo(Status.WANT_READ);
    }
  }
}
