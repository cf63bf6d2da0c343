package io.niotls.datagram;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The receive side of one {@link DtlsEngine}: which datagram the engine's {@code SSLEngine} gets
 * next. During the handshake the peer's datagrams go through the {@link HandshakeInbox}, which
 * hands over each handshake message once, whole and in order; a datagram of the next epoch (the
 * peer's Finished) that overtook the ChangeCipherSpec before it is held back until that has been
 * read, as the {@code SSLEngine} fails the handshake on a Finished it gets too early. Datagrams too
 * long for any record are dropped and counted.
 *
 * <p>Part of the engine and confined, like it, to the thread driving it.
 */
final class DatagramIntake {
  /** What {@link #next} found. */
  enum Next {
    /** A datagram is in the engine's buffer. */
    READY,
    /** Nothing is waiting. */
    NONE,
    /**
     * The peer sent again handshake messages the {@code SSLEngine} has had: it may have lost our
     * answer. Call again after answering.
     */
    PEER_REPEATED
  }

  /** Epoch-1 datagrams held back, at most, while the ChangeCipherSpec before them is missing. */
  private static final int MAX_EARLY = 16;

  private final DatagramTransport transport;
  private final HandshakeInbox inbox;
  private final ArrayDeque<ByteBuffer> early = new ArrayDeque<>();
  private final ArrayDeque<ByteBuffer> released = new ArrayDeque<>();
  private int readEpoch;
  private long oversized;

  DatagramIntake(DatagramTransport transport, HandshakeInbox inbox) {
    this.transport = transport;
    this.inbox = inbox;
  }

  /**
   * Puts the next datagram for the {@code SSLEngine} into {@code netIn} (left in read mode; empty
   * unless {@link Next#READY}). {@code netIn}'s capacity is one byte more than any record, so a
   * datagram that fills it is too long.
   */
  Next next(ByteBuffer netIn, boolean handshaking) throws IOException {
    for (; ; ) {
      netIn.clear();
      if (!handshaking && !early.isEmpty()) {
        released.addAll(early);
        early.clear();
      }
      ByteBuffer inTurn = inbox.hasReady() ? inbox.poll() : released.poll();
      int n;
      if (inTurn != null) {
        n = inTurn.remaining();
        netIn.put(inTurn);
      } else {
        n = transport.receive(netIn);
      }
      netIn.flip();
      if (n <= 0) {
        netIn.limit(0);
        return Next.NONE;
      }
      if (n >= netIn.capacity()) {
        oversized++;
        netIn.limit(0);
        continue;
      }
      if (inTurn == null && handshaking) {
        inbox.offer(netIn);
        netIn.limit(0);
        if (inbox.takeRetransmissions() > 0) {
          return Next.PEER_REPEATED;
        }
        continue;
      }
      if (handshaking
          && DtlsRecords.hasHeader(netIn, 0)
          && DtlsRecords.epoch(netIn, 0) > readEpoch
          && early.size() < MAX_EARLY) {
        early.add(ByteBuffer.allocate(n).put(netIn).flip());
        continue;
      }
      return Next.READY;
    }
  }

  /** The peer's ChangeCipherSpec was read: its next epoch's records held back may follow. */
  void cipherChanged() {
    readEpoch++;
    released.addAll(early);
    early.clear();
  }

  /** Datagrams longer than any DTLS record, dropped unread. */
  long oversized() {
    return oversized;
  }
}
