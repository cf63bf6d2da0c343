package io.niotls.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.context.Provider;
import io.niotls.engine.Status;
import io.niotls.wire.TlsRecords;
import java.nio.ByteBuffer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Floods of records that carry no application data: empty records, warning alerts, TLS 1.3
 * KeyUpdates, 1,000 of each, forged by a real peer with its own keys. The engine stops after a
 * bounded number (BoringSSL's own limits, or niotls's: 64 such records in a row) with an SSL
 * failure, never spins through the whole flood in one call, and never queues more than one reply
 * for a peer that does not read.
 */
class FloodTest {
  private static final int FLOOD = 1_000;

  /** niotls's limit plus one: no engine may take more records than this from a flood. */
  private static final int MOST_RECORDS_TAKEN = 65;

  static Stream<Arguments> providersProtocolsRoles() {
    return Stream.of(Provider.JDK, Provider.OPENSSL, Provider.BORINGSSL)
        .flatMap(p -> Stream.of("TLSv1.2", "TLSv1.3").map(v -> Arguments.of(p, v)))
        .flatMap(a -> Stream.of(true, false).map(c -> Arguments.of(a.get()[0], a.get()[1], c)));
  }

  static Stream<Arguments> providersAndRoles() {
    return Stream.of(Provider.JDK, Provider.OPENSSL, Provider.BORINGSSL)
        .flatMap(p -> Stream.of(true, false).map(c -> Arguments.of(p, c)));
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL", "BORINGSSL"})
  void anEmptyPlaintextRecordIsRefusedFromItsHeaderAlone(Provider provider) {
    try (Victim server = Victim.server(provider)) {
      server.feed(Records.header(TlsRecords.HANDSHAKE, 0)); // the JDK took a stream of them

      assertThat(server.handshake()).isEqualTo(Status.SSL);
      assertThat(server.engine.failure().alert()).isEqualTo("unexpected_message");
      assertThat(server.why())
          .isEqualTo(
              "the peer sent an empty handshake record, which is never valid on the wire"
                  + " (RFC 8446 section 5.1, RFC 5246 6.2.1)");
      assertThat(server.outstanding()).isZero();
    }
  }

  @ParameterizedTest(name = "{0} {1} client={2}")
  @MethodSource("providersProtocolsRoles")
  void aFloodOfEmptyEncryptedRecordsIsCutShort(Provider provider, String protocol, boolean client)
      throws Exception {
    try (Victim victim = Victim.of(Victim.forgeable(provider, protocol, client));
        ForgingPeer peer = new ForgingPeer(victim, protocol)) {
      peer.handshake();
      byte[] one = peer.seal(TlsRecords.APPLICATION_DATA, new byte[0]);
      victim.feed(one);
      for (int i = 1; i < FLOOD; i++) {
        victim.feed(peer.seal(TlsRecords.APPLICATION_DATA, new byte[0]));
      }

      assertThat(victim.read()).as(victim.why()).isEqualTo(Status.SSL);
      assertThat(victim.why())
          .matches(
              provider != Provider.JDK
                  ? ".*TOO_MANY_EMPTY_FRAGMENTS.*"
                  : "TLSv1.3".equals(protocol)
                      // the JDK refuses even one empty TLS 1.3 record (it may: RFC 8446 5.4)
                      ? ".*Incorrect inner plaintext: no content type.*"
                      : "the peer sent 65 records in a row without application data .*");
      assertTookAtMost(victim, one.length);
    }
  }

  /**
   * The records right behind the server's Finished are read by a TLS 1.3 client as part of its
   * handshake (for the session tickets that usually sit there); a flood there must fail the next
   * read, not leave a failure BoringSSL reported in passing unseen. 33 is BoringSSL's limit
   * exactly: nothing is left buffered after the record that trips it.
   */
  @ParameterizedTest(name = "{0} {1} records")
  @CsvSource({"JDK,33", "OPENSSL,33", "JDK,40", "OPENSSL,40"})
  void emptyRecordsBehindTheServerFinishedFailTheClient(Provider provider, int records)
      throws Exception {
    try (Victim client = Victim.of(Victim.forgeable(provider, "TLSv1.3", true));
        ForgingPeer server = new ForgingPeer(client, "TLSv1.3")) {
      Status handshake = server.handshakeFloodingAfterServerFinished(records);
      Status status = handshake.isFatal() ? handshake : client.read();

      assertThat(status).as(client.why()).isEqualTo(Status.SSL);
      assertThat(client.why())
          .matches(
              provider != Provider.JDK
                  ? ".*TOO_MANY_EMPTY_FRAGMENTS.*"
                  : ".*Incorrect inner plaintext: no content type.*");
    }
  }

  @ParameterizedTest(name = "{0} {1} client={2}")
  @MethodSource("providersProtocolsRoles")
  void aFloodOfWarningAlertsIsCutShort(Provider provider, String protocol, boolean client)
      throws Exception {
    // TLS 1.3 has no warnings but user_canceled, which the JDK ignores
    byte[] warning = {Records.WARNING, (byte) ("TLSv1.3".equals(protocol) ? 90 : 100)};
    try (Victim victim = Victim.of(Victim.forgeable(provider, protocol, client));
        ForgingPeer peer = new ForgingPeer(victim, protocol)) {
      peer.handshake();
      byte[] one = peer.seal(TlsRecords.ALERT, warning);
      victim.feed(one);
      for (int i = 1; i < FLOOD; i++) {
        victim.feed(peer.seal(TlsRecords.ALERT, warning));
      }

      assertThat(victim.read()).as(victim.why()).isEqualTo(Status.SSL);
      assertThat(victim.why())
          .matches(
              provider != Provider.JDK
                  ? ".*TOO_MANY_WARNING_ALERTS.*"
                  : "the peer sent 65 records in a row without application data .*");
      assertTookAtMost(victim, one.length);
    }
  }

  @ParameterizedTest(name = "{0} client={1}")
  @MethodSource("providersAndRoles")
  void aFloodOfKeyUpdatesIsCutShort(Provider provider, boolean client) throws Exception {
    try (Victim victim = Victim.of(Victim.forgeable(provider, "TLSv1.3", client));
        ForgingPeer peer = new ForgingPeer(victim, "TLSv1.3")) {
      peer.handshake();
      victim.output();
      byte[] one = peer.keyUpdate(true);
      victim.feed(one);
      for (int i = 1; i < FLOOD; i++) {
        victim.feed(peer.keyUpdate(true));
      }

      assertThat(victim.read()).as(victim.why()).isEqualTo(Status.SSL);
      assertThat(victim.why())
          .matches(
              provider != Provider.JDK
                  ? ".*TOO_MANY_KEY_UPDATES.*"
                  : "the peer sent 65 records in a row without application data .*");
      assertTookAtMost(victim, one.length);
      assertThat(victim.output().length)
          .as("replies written: at most one KeyUpdate per request taken, plus a close")
          .isLessThan(MOST_RECORDS_TAKEN * 64);
    }
  }

  @ParameterizedTest(name = "{0} client={1}")
  @MethodSource("providersAndRoles")
  void keyUpdateRepliesToAPeerThatDoesNotReadAreNotQueued(Provider provider, boolean client)
      throws Exception {
    try (Victim victim = Victim.of(Victim.forgeable(provider, "TLSv1.3", client), 1 << 16);
        ForgingPeer peer = new ForgingPeer(victim, "TLSv1.3")) {
      peer.handshake();
      victim.output();
      fillOutbound(victim); // the peer stops reading: its receive window is full
      byte[] one = peer.keyUpdate(true);
      victim.feed(one);
      for (int i = 1; i < FLOOD; i++) {
        victim.feed(peer.keyUpdate(true));
      }

      for (int call = 0; call < 10; call++) { // a caller that ignores WANT_WRITE and asks again
        assertThat(victim.read()).as(victim.why()).isEqualTo(Status.WANT_WRITE);
        assertThat(victim.outstanding()).as("pooled buffers held").isLessThanOrEqualTo(2);
      }
      int bufferSize = victim.context.bufferPool().bufferSize();
      assertThat(victim.transport.pendingInbound())
          .as("at most two KeyUpdates taken (one reply queued, one in the SSLEngine)")
          .isGreaterThanOrEqualTo((FLOOD - 2) * one.length - bufferSize);
    }
  }

  /** Fills the transport's outbound side so that it takes nothing more. */
  private static void fillOutbound(Victim victim) {
    ByteBuffer filler = ByteBuffer.allocate(1 << 16);
    while (victim.transport.write(filler) > 0) {
      filler.clear();
    }
  }

  /** The engine took no more than {@link #MOST_RECORDS_TAKEN} records of the flood. */
  private static void assertTookAtMost(Victim victim, int recordLength) {
    assertThat(victim.transport.pendingInbound())
        .as("flood bytes left untouched")
        .isGreaterThanOrEqualTo(
            (FLOOD - MOST_RECORDS_TAKEN) * recordLength - victim.context.bufferPool().bufferSize());
    assertThat(victim.outstanding()).as("buffers held after the failure").isZero();
  }
}
