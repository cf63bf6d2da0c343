package io.niotls.datagram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.engine.Status;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DtlsEngineTest {

  @Test
  void aHandshakeOverAPerfectNetworkNeedsNoTimerAndDeliversEveryDatagramExactlyOnce() {
    DtlsPair pair = new DtlsPair(new LossyNetwork(1, 0, 0, 0), 1400);

    pair.handshake(1000);
    List<String> sent = sendFromClient(pair, 50);
    pair.settle(1000);

    assertThat(pair.timeouts).isZero();
    assertThat(pair.client.session().getProtocol()).isEqualTo("DTLSv1.2");
    assertThat(pair.toServer).containsExactlyElementsOf(sent);
  }

  /**
   * Every seed of 1..60, none picked: a link this bad is what DTLS is for. {@code -Ddtls.seeds=N}
   * runs 1..N, {@code -Ddtls.seed=S} only S (with {@code -Ddtls.trace=true} to see its datagrams).
   */
  static LongStream seeds() {
    String only = System.getProperty("dtls.seed");
    return only != null
        ? LongStream.of(Long.parseLong(only))
        : LongStream.rangeClosed(1, Long.getLong("dtls.seeds", 60));
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void aHandshakeCompletesDespiteLossDuplicationAndReorderingAndNoDatagramArrivesTwice(long seed) {
    DtlsPair pair = new DtlsPair(new LossyNetwork(seed, 0.2, 0.2, 0.3), 1400);

    pair.handshake(5000);
    List<String> sent = sendFromClient(pair, 100);
    pair.settle(5000);

    assertThat(pair.client.session().getProtocol()).isEqualTo("DTLSv1.2");
    assertThat(sent).containsAll(pair.toServer);
    assertThat(new HashSet<>(pair.toServer)).hasSameSizeAs(pair.toServer); // at most once each
    assertThat(pair.toServer.size()).isBetween(40, 100); // about 80% get through
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void aServerBehindTheCookieGateCompletesItsHandshakesOnTheSameBadLink(long seed) {
    DtlsPair pair = new DtlsPair(new LossyNetwork(seed, 0.2, 0.2, 0.3), 1400, true);

    pair.handshake(5000);
    List<String> sent = sendFromClient(pair, 100);
    pair.settle(5000);

    assertThat(pair.gate.verifyRequests()).isPositive();
    assertThat(pair.server.session().getProtocol()).isEqualTo("DTLSv1.2");
    assertThat(sent).containsAll(pair.toServer);
    assertThat(new HashSet<>(pair.toServer)).hasSameSizeAs(pair.toServer);
    assertThat(pair.toServer.size()).isBetween(40, 100);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void onAMilderLinkTooEveryHandshakeCompletesAndNoDatagramArrivesTwice(long seed) {
    DtlsPair pair = new DtlsPair(new LossyNetwork(seed, 0.1, 0.1, 0.2), 1400);

    pair.handshake(5000);
    List<String> sent = sendFromClient(pair, 100);
    pair.settle(5000);

    assertThat(pair.server.session().getProtocol()).isEqualTo("DTLSv1.2");
    assertThat(sent).containsAll(pair.toServer);
    assertThat(new HashSet<>(pair.toServer)).hasSameSizeAs(pair.toServer);
    assertThat(pair.toServer.size()).isBetween(70, 100); // about 90% get through
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void withoutLossButWithDuplicationAndReorderingEveryDatagramArrivesExactlyOnce(long seed) {
    DtlsPair pair = new DtlsPair(new LossyNetwork(seed, 0, 0.5, 0.5), 1400);

    pair.handshake(5000);
    List<String> sent = sendFromClient(pair, 100);
    pair.settle(5000);

    assertThat(pair.toServer).containsExactlyInAnyOrderElementsOf(sent);
  }

  @Test
  void theSideThatSentTheLastFlightSendsItAgainUnaskedUntilThePeersFirstRecordArrives() {
    DtlsPair pair = new DtlsPair(new LossyNetwork(8, 0, 0, 0), 1400);
    pair.handshake(1000);
    int before = pair.net.b.sent;
    List<Long> waits = new ArrayList<>();

    assertThat(pair.client.nanosUntilTimeout()).isEqualTo(-1); // the server sent the last flight
    for (int i = 0; i < 10 && pair.server.nanosUntilTimeout() >= 0; i++) {
      long wait = pair.server.nanosUntilTimeout();
      waits.add(wait / 1_000_000_000L);
      pair.net.advance(wait);
      assertThat(pair.server.onTimeout()).isNotEqualTo(Status.WANT_WRITE);
    }
    List<String> sent = sendFromClient(pair, 3);
    pair.settle(1000);

    assertThat(waits).containsExactly(1L, 2L, 4L);
    assertThat(pair.net.b.sent - before).isGreaterThanOrEqualTo(3 * 2); // CCS and Finished, or more
    // each copy's plaintext records are numbered anew: a peer that saw one is not shown a replay
    List<Long> plaintextSequences = new ArrayList<>();
    for (byte[] datagram : pair.net.b.log) {
      ByteBuffer d = ByteBuffer.wrap(datagram);
      for (int at = 0; DtlsRecords.hasHeader(d, at); at += DtlsRecords.recordLength(d, at)) {
        if (DtlsRecords.epoch(d, at) == 0) {
          plaintextSequences.add(DtlsRecords.sequence(d, at));
        }
      }
    }
    assertThat(plaintextSequences).doesNotHaveDuplicates().isSorted();
    assertThat(pair.toServer).containsExactlyElementsOf(sent); // the client dropped the copies
    assertThat(pair.client.failure()).isNull();
  }

  @Test
  void aRecordFromThePeerEndsTheUnaskedResends() {
    DtlsPair pair = new DtlsPair(new LossyNetwork(9, 0, 0, 0), 1400);
    pair.handshake(1000);
    assertThat(pair.server.nanosUntilTimeout()).isEqualTo(1_000_000_000L);

    sendFromClient(pair, 1);
    pair.settle(1000);

    assertThat(pair.server.nanosUntilTimeout()).isEqualTo(-1);
    assertThat(pair.timeouts).isZero();
  }

  @Test
  void handshakeMessagesAreFragmentedToTheMaximumPacketSize() {
    LossyNetwork small = new LossyNetwork(3, 0, 0, 0);
    LossyNetwork large = new LossyNetwork(3, 0, 0, 0);
    DtlsPair fragmented = new DtlsPair(small, 256);
    DtlsPair whole = new DtlsPair(large, 1400);

    fragmented.handshake(1000);
    whole.handshake(1000);

    assertThat(fragmented.client.maxPlaintext()).isEqualTo(256 - 37);
    assertThat(small.largest).isLessThanOrEqualTo(256);
    assertThat(large.largest).isGreaterThan(256).isLessThanOrEqualTo(1400);
    assertThat(small.a.sent + small.b.sent).isGreaterThan(large.a.sent + large.b.sent);
  }

  @Test
  void theRetransmissionTimerStartsAtOneSecondDoublesAndGivesUpWithATimeout() {
    LossyNetwork net = new LossyNetwork(4, 1.0, 0, 0); // nothing ever arrives
    DtlsPair pair = new DtlsPair(net, 1400);
    List<Long> waits = new ArrayList<>();

    assertThat(pair.client.handshake()).isEqualTo(Status.WANT_READ);
    for (int i = 0; i < 20 && pair.client.failure() == null; i++) {
      long wait = pair.client.nanosUntilTimeout();
      waits.add(wait / 1_000_000_000L);
      net.advance(wait);
      pair.client.onTimeout();
    }

    assertThat(waits).startsWith(1L, 2L, 4L, 8L, 16L, 29L); // the 60 s deadline cuts the last
    assertThat(net.a.sent).isGreaterThanOrEqualTo(waits.size()); // the hello, again per timeout
    assertThat(pair.client.failure().kind()).isEqualTo(io.niotls.engine.TlsException.Kind.TIMEOUT);
    assertThat(pair.client.failure()).hasMessageContaining("retransmissions");
    assertThat(pair.client.nanosUntilTimeout()).isEqualTo(-1);
  }

  @Test
  void afterItsHelloWasRetransmittedOftenAFullSizeWriteStillGoesOutAsOneRecord() {
    // the JDK halves its packet size for good after the third retransmission of a flight
    LossyNetwork net = new LossyNetwork(6, 0, 0, 0);
    DtlsPair pair = new DtlsPair(net, 1400);
    assertThat(pair.client.handshake()).isEqualTo(Status.WANT_READ);
    for (int i = 0; i < 4; i++) {
      net.advance(pair.client.nanosUntilTimeout());
      pair.client.onTimeout();
    }
    pair.handshake(1000);
    int before = net.a.sent;

    assertThat(pair.client.write(ByteBuffer.allocate(1363))).isEqualTo(1363);
    assertThat(net.a.sent).isEqualTo(before + 1);
  }

  @Test
  void aHandshakeWithoutRetransmissionsKeepsTheMaximumPacketSizeForFullSizeWrites() {
    LossyNetwork net = new LossyNetwork(7, 0, 0, 0);
    DtlsPair pair = new DtlsPair(net, 1400, true);
    pair.handshake(1000);

    assertThat(pair.timeouts).isZero();
    assertThat(pair.server.write(ByteBuffer.allocate(1363))).isEqualTo(1363);
    assertThat(pair.client.write(ByteBuffer.allocate(1363))).isEqualTo(1363);
    pair.settle(1000);
    assertThat(pair.toServer).hasSize(1);
    assertThat(pair.toClient).hasSize(1);
  }

  @Test
  void aWriteLongerThanOneRecordAtTheMtuIsRefusedNotSplit() {
    DtlsPair pair = new DtlsPair(new LossyNetwork(5, 0, 0, 0), 1400);
    pair.handshake(1000);
    int before = pair.net.a.sent;

    assertThatThrownBy(() -> pair.client.write(ByteBuffer.allocate(1400)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1400 bytes does not fit one DTLS record")
        .hasMessageContaining("at most 1363 bytes");
    assertThat(pair.net.a.sent).isEqualTo(before);
    assertThat(pair.client.write(ByteBuffer.allocate(1363))).isEqualTo(1363);
    assertThat(pair.net.a.sent).isEqualTo(before + 1);
  }

  @Test
  void garbageOversizedAndTruncatedDatagramsAreDroppedAndTheAssociationGoesOn() {
    DtlsPair pair = new DtlsPair(new LossyNetwork(6, 0, 0, 0), 1400);
    pair.handshake(1000);

    pair.net.b.inject("GET / HTTP/1.1\r\n\r\n".getBytes());
    pair.net.b.inject(new byte[70_000]);
    byte[] forged = new byte[40];
    forged[0] = 23; // application data, epoch 1, body that does not authenticate
    forged[1] = (byte) 0xfe;
    forged[2] = (byte) 0xfd;
    forged[4] = 1;
    forged[12] = 27;
    pair.net.b.inject(forged);
    pair.net.b.inject(new byte[] {23, (byte) 0xfe, (byte) 0xfd, 0, 1}); // ends inside the header
    List<String> sent = sendFromClient(pair, 3);
    pair.settle(1000);

    assertThat(pair.toServer).containsExactlyElementsOf(sent);
    assertThat(pair.server.oversizedDatagrams()).isEqualTo(1);
    assertThat(pair.server.discardedRecords()).isGreaterThanOrEqualTo(2);
    assertThat(pair.server.failure()).isNull();
  }

  @Test
  void closeNotifyReachesThePeerAsZeroReturn() {
    DtlsPair pair = new DtlsPair(new LossyNetwork(7, 0, 0, 0), 1400);
    pair.handshake(1000);

    assertThat(pair.client.shutdown()).isEqualTo(Status.SENT);
    ByteBuffer dst = ByteBuffer.allocate(2000);

    assertThat(pair.server.read(dst)).isEqualTo(Status.ZERO_RETURN.code());
    assertThat(pair.server.shutdown()).isEqualTo(Status.DONE);
    assertThatThrownBy(() -> pair.client.write(ByteBuffer.allocate(1)))
        .isInstanceOf(IllegalStateException.class);
  }

  private static List<String> sendFromClient(DtlsPair pair, int count) {
    List<String> sent = new ArrayList<>();
    Set<String> unique = new HashSet<>();
    for (int i = 0; i < count; i++) {
      String text = "datagram " + i + " " + "x".repeat(i % 7 * 100);
      assertThat(pair.client.write(DtlsPair.text(text))).isEqualTo(text.length());
      sent.add(text);
      unique.add(text);
    }
    assertThat(unique).hasSize(count);
    return sent;
  }
}
