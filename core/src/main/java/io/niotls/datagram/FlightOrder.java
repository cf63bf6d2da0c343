package io.niotls.datagram;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Puts a peer's ChangeCipherSpec back behind the handshake records it followed. The JDK's DTLS
 * engine takes a ChangeCipherSpec that overtook the last messages of its flight (a
 * ClientKeyExchange) as if they had come, and the handshake then fails at Finished. So during the
 * handshake a datagram that starts with a ChangeCipherSpec is let through only when its record
 * sequence number follows the highest of epoch 0 seen so far; otherwise it waits for the records in
 * between, and is dropped once no datagram is waiting (the flight lost a record: the peer sends it
 * all again on its timer). Confined to the engine's thread.
 */
final class FlightOrder {
  private static final int MAX_HELD = 8;

  private final ArrayDeque<ByteBuffer> held = new ArrayDeque<>();
  private long highest = -1;

  /**
   * Whether {@code datagram} (position at its start) may go to the engine now; if not, a copy is
   * kept. Records of epoch 0 it lets through raise the highest sequence number seen.
   */
  boolean admit(ByteBuffer datagram) {
    int at = datagram.position();
    if (!DtlsRecords.hasHeader(datagram, at) || DtlsRecords.epoch(datagram, at) != 0) {
      return true;
    }
    long sequence = DtlsRecords.sequence(datagram, at);
    if (DtlsRecords.contentType(datagram, at) == DtlsRecords.CHANGE_CIPHER_SPEC
        && highest >= 0
        && sequence > highest + 1) {
      if (held.size() < MAX_HELD) {
        held.add(ByteBuffer.allocate(datagram.remaining()).put(datagram.duplicate()).flip());
      }
      return false;
    }
    for (int i = at;
        DtlsRecords.hasHeader(datagram, i);
        i += DtlsRecords.recordLength(datagram, i)) {
      if (DtlsRecords.epoch(datagram, i) == 0) {
        highest = Math.max(highest, DtlsRecords.sequence(datagram, i));
      }
    }
    return true;
  }

  /**
   * A held datagram whose turn has come, or null. One that later records overtook belongs to a
   * flight the peer has sent again since, with new sequence numbers: it is dropped.
   */
  ByteBuffer next() {
    held.removeIf(b -> DtlsRecords.sequence(b, 0) <= highest);
    for (ByteBuffer b : held) {
      if (DtlsRecords.sequence(b, 0) == highest + 1) {
        held.remove(b);
        return b;
      }
    }
    return null;
  }

  /** Nothing more is waiting: what is still held lost a record before it. @return how many */
  int dropHeld() {
    int n = held.size();
    held.clear();
    return n;
  }
}
