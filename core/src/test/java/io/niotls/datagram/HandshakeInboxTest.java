package io.niotls.datagram;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class HandshakeInboxTest {
  private static final int CERTIFICATE = 11;
  private static final int SERVER_HELLO_DONE = 14;

  @Test
  void fragmentsArrivingOutOfOrderGoToTheEngineAsWholeMessagesInMessageSeqOrder() {
    HandshakeInbox inbox = new HandshakeInbox(1400, 1);
    byte[] certificate = body(600, 7);

    inbox.offer(record(22, 0, 9, fragment(SERVER_HELLO_DONE, 0, 2, 0, new byte[0])));
    inbox.offer(record(22, 0, 8, fragment(CERTIFICATE, 600, 1, 300, slice(certificate, 300))));
    assertThat(inbox.hasReady()).isFalse(); // message 1 is still missing its first half

    inbox.offer(record(22, 0, 7, fragment(CERTIFICATE, 600, 1, 0, slice(certificate, 0, 300))));
    List<ByteBuffer> out = drain(inbox);

    assertThat(out).hasSize(2);
    assertThat(handshakeType(out.get(0))).isEqualTo(CERTIFICATE);
    assertThat(messageSeq(out.get(0))).isEqualTo(1);
    assertThat(fragmentOffset(out.get(0))).isZero();
    assertThat(fragmentLength(out.get(0))).isEqualTo(600);
    assertThat(Arrays.copyOfRange(out.get(0).array(), 25, 625)).isEqualTo(certificate);
    assertThat(messageSeq(out.get(1))).isEqualTo(2);
    assertThat(DtlsRecords.sequence(out.get(1), 0))
        .isGreaterThan(DtlsRecords.sequence(out.get(0), 0));
    assertThat(inbox.nextMessageSeq()).isEqualTo(3);
  }

  @Test
  void aMessageTheEngineHasHadIsDroppedAndCountedAsTheFlightSentAgain() {
    HandshakeInbox inbox = new HandshakeInbox(1400, 0);
    inbox.offer(record(22, 0, 0, fragment(2, 10, 0, 0, body(10, 1))));
    assertThat(drain(inbox)).hasSize(1);

    inbox.offer(record(22, 0, 5, fragment(2, 10, 0, 0, body(10, 1))));
    inbox.offer(record(22, 0, 6, fragment(2, 10, 0, 0, body(10, 1))));

    assertThat(inbox.hasReady()).isFalse();
    assertThat(inbox.takeRetransmissions()).isEqualTo(2);
    assertThat(inbox.takeRetransmissions()).isZero();
  }

  @Test
  void aChangeCipherSpecWaitsForEveryMessageBeforeItInItsFlight() {
    HandshakeInbox inbox = new HandshakeInbox(1400, 5);
    byte[] ticket = body(800, 3);

    inbox.offer(record(20, 0, 16, new byte[] {1})); // overtook the ticket's fragments
    inbox.offer(record(22, 0, 15, fragment(4, 800, 5, 400, slice(ticket, 400))));
    assertThat(inbox.hasReady()).isFalse(); // the record before it came, its message is not whole

    inbox.offer(record(22, 0, 14, fragment(4, 800, 5, 0, slice(ticket, 0, 400))));
    List<ByteBuffer> out = drain(inbox);

    assertThat(out).hasSize(2);
    assertThat(handshakeType(out.get(0))).isEqualTo(4);
    assertThat(DtlsRecords.contentType(out.get(1), 0)).isEqualTo(DtlsRecords.CHANGE_CIPHER_SPEC);
    assertThat(DtlsRecords.sequence(out.get(1), 0))
        .isGreaterThan(DtlsRecords.sequence(out.get(0), 0));

    inbox.offer(record(20, 0, 19, new byte[] {1})); // the flight again
    assertThat(inbox.hasReady()).isFalse();
    assertThat(inbox.takeRetransmissions()).isEqualTo(1);
  }

  @Test
  void aChangeCipherSpecWhoseRecordBeforeWasLostWaitsForTheFlightSentAgain() {
    HandshakeInbox inbox = new HandshakeInbox(1400, 2);
    inbox.offer(record(22, 0, 3, fragment(16, 33, 2, 0, body(33, 4)))); // the key exchange
    assertThat(drain(inbox)).hasSize(1);
    inbox.offer(record(20, 0, 5, new byte[] {1})); // record 4 (a certificate verify) was lost
    assertThat(inbox.hasReady()).isFalse();

    inbox.offer(record(22, 0, 9, fragment(15, 20, 3, 0, body(20, 5)))); // sent again
    inbox.offer(record(20, 0, 10, new byte[] {1}));
    List<ByteBuffer> out = drain(inbox);

    assertThat(out).hasSize(2);
    assertThat(handshakeType(out.get(0))).isEqualTo(15);
    assertThat(DtlsRecords.contentType(out.get(1), 0)).isEqualTo(DtlsRecords.CHANGE_CIPHER_SPEC);
  }

  @Test
  void recordsOfLaterEpochsAndAlertsPassUnchangedOnePerDatagram() {
    HandshakeInbox inbox = new HandshakeInbox(1400, 0);
    byte[] finished = recordBytes(22, 1, 0, body(40, 9));
    byte[] alert = recordBytes(21, 0, 3, new byte[] {2, 40});
    ByteBuffer datagram = ByteBuffer.allocate(finished.length + alert.length);
    datagram.put(finished).put(alert).flip();

    inbox.offer(datagram);
    List<ByteBuffer> out = drain(inbox);

    assertThat(datagram.hasRemaining()).isFalse();
    assertThat(out).hasSize(2);
    assertThat(out.get(0).array()).isEqualTo(finished);
    assertThat(out.get(1).array()).isEqualTo(alert);
  }

  @Test
  void aMessageLongerThanOneRecordIsGivenInFragmentsThatFitTheEngine() {
    HandshakeInbox inbox = new HandshakeInbox(256, 0);
    byte[] certificate = body(1000, 2);

    inbox.offer(record(22, 0, 0, fragment(CERTIFICATE, 1000, 0, 0, certificate)));
    List<ByteBuffer> out = drain(inbox);

    assertThat(out).allSatisfy(r -> assertThat(r.remaining()).isLessThanOrEqualTo(256));
    assertThat(out.stream().mapToInt(HandshakeInboxTest::fragmentLength).sum()).isEqualTo(1000);
    int offset = 0;
    for (ByteBuffer r : out) {
      assertThat(fragmentOffset(r)).isEqualTo(offset);
      offset += fragmentLength(r);
    }
  }

  @Test
  void fragmentsTooFarAheadOrMalformedAreNotKept() {
    HandshakeInbox inbox = new HandshakeInbox(1400, 0);
    inbox.offer(record(22, 0, 1, fragment(2, 10, HandshakeInbox.MAX_AHEAD, 0, body(10, 1))));
    byte[] lying = fragment(2, 10, 0, 0, body(10, 1));
    lying[11] = 50; // says 50 bytes follow, 10 do
    inbox.offer(record(22, 0, 2, lying));
    inbox.offer(ByteBuffer.wrap(new byte[] {22, (byte) 0xfe, (byte) 0xfd, 0, 0})); // cut short

    assertThat(inbox.hasReady()).isFalse();
    assertThat(inbox.nextMessageSeq()).isZero();
  }

  // ---- records and handshake fragments

  private static ByteBuffer record(int type, int epoch, long seq, byte[] body) {
    return ByteBuffer.wrap(recordBytes(type, epoch, seq, body));
  }

  private static byte[] recordBytes(int type, int epoch, long seq, byte[] body) {
    ByteBuffer b = ByteBuffer.allocate(13 + body.length);
    b.put((byte) type).putShort((short) 0xfefd).putShort((short) epoch);
    b.putShort((short) (seq >>> 32)).putInt((int) seq).putShort((short) body.length).put(body);
    return b.array();
  }

  private static byte[] fragment(int type, int length, int seq, int offset, byte[] bytes) {
    ByteBuffer b = ByteBuffer.allocate(12 + bytes.length);
    b.put((byte) type).put(uint24(length)).putShort((short) seq);
    b.put(uint24(offset)).put(uint24(bytes.length)).put(bytes);
    return b.array();
  }

  private static byte[] uint24(int v) {
    return new byte[] {(byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }

  private static byte[] body(int length, int seed) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (i * 31 + seed);
    }
    return b;
  }

  private static byte[] slice(byte[] b, int from) {
    return Arrays.copyOfRange(b, from, b.length);
  }

  private static byte[] slice(byte[] b, int from, int to) {
    return Arrays.copyOfRange(b, from, to);
  }

  private static List<ByteBuffer> drain(HandshakeInbox inbox) {
    List<ByteBuffer> out = new ArrayList<>();
    for (ByteBuffer b = inbox.poll(); b != null; b = inbox.poll()) {
      out.add(b);
    }
    return out;
  }

  private static int handshakeType(ByteBuffer r) {
    return r.get(13) & 0xff;
  }

  private static int messageSeq(ByteBuffer r) {
    return r.getShort(17) & 0xffff;
  }

  private static int fragmentOffset(ByteBuffer r) {
    return ((r.get(19) & 0xff) << 16) | ((r.get(20) & 0xff) << 8) | (r.get(21) & 0xff);
  }

  private static int fragmentLength(ByteBuffer r) {
    return ((r.get(22) & 0xff) << 16) | ((r.get(23) & 0xff) << 8) | (r.get(24) & 0xff);
  }
}
