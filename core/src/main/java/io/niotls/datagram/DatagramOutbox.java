package io.niotls.datagram;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The send side of one {@link DtlsEngine}: datagrams leave in the order they were wrapped, those a
 * full socket refused wait in a queue, and the datagrams of our current handshake flight are kept,
 * so that the flight can go out again when the peer shows it lost it (RFC 6347 §4.2.4).
 *
 * <p>A flight is what we wrap between two datagrams of the peer: the first datagram wrapped after
 * the peer {@linkplain #peerSpoke() spoke} begins a new one. Part of the engine and confined, like
 * it, to the thread driving it.
 */
final class DatagramOutbox {
  private final DatagramTransport transport;
  private final LongSupplier clock;
  private final ArrayDeque<ByteBuffer> unsent = new ArrayDeque<>();
  private final List<ByteBuffer> flight = new ArrayList<>();
  private boolean flightEnded = true;
  private long sentSequence0 = -1; // the highest epoch-0 record number we sent
  private long lastResend;

  DatagramOutbox(DatagramTransport transport, LongSupplier clock) {
    this.transport = transport;
    this.clock = clock;
  }

  /**
   * Sends what one wrap produced ({@code datagram} in read mode; consumed), or queues it behind
   * datagrams still waiting. During the handshake it joins our current flight.
   */
  void send(ByteBuffer datagram, boolean handshaking) throws IOException {
    for (int at = 0;
        DtlsRecords.hasHeader(datagram, at);
        at += DtlsRecords.recordLength(datagram, at)) {
      if (DtlsRecords.epoch(datagram, at) == 0) {
        sentSequence0 = Math.max(sentSequence0, DtlsRecords.sequence(datagram, at));
      }
    }
    if (!datagram.hasRemaining()) {
      return;
    }
    if (handshaking) {
      if (flightEnded) {
        flight.clear();
        flightEnded = false;
      }
      flight.add(copyOf(datagram));
    }
    sendOrQueue(datagram);
  }

  /**
   * Sends the first datagram of a flight wrapped before this engine existed (the {@link
   * CookieGate}'s answer to a ClientHello), which begins our flight.
   */
  void sendFirst(ByteBuffer datagram) {
    flight.add(copyOf(datagram));
    flightEnded = false;
    queue(datagram);
  }

  /** A record of the peer was read: whatever we wrap next begins a new flight. */
  void peerSpoke() {
    flightEnded = true;
  }

  /** Whether we wrapped the last datagrams exchanged: the peer may not have them yet. */
  boolean sentLastFlight() {
    return !flightEnded && !flight.isEmpty();
  }

  /** The peer has our last flight: it need not be kept. */
  void forgetFlight() {
    flight.clear();
  }

  /**
   * Whether our last flight may go out again now, and if so, counts this as its resend: at most
   * once per half the initial timeout, since a peer retransmits no faster than that, and a copy per
   * duplicated or forged record would amplify floods.
   */
  boolean takeResendTurn() {
    long now = clock.getAsLong();
    if (lastResend != 0 && now - lastResend < Retransmissions.INITIAL.toNanos() / 2) {
      return false;
    }
    lastResend = now == 0 ? 1 : now;
    return true;
  }

  /** Sends the kept flight again, if {@link #takeResendTurn()} allows. */
  void resendFlight() throws IOException {
    if (!takeResendTurn()) {
      return;
    }
    for (ByteBuffer datagram : flight) {
      sendOrQueue(renumbered(datagram));
    }
  }

  /** Sends the datagrams a full socket held back. @return true when none is left */
  boolean flush() throws IOException {
    while (!unsent.isEmpty()) {
      if (!transport.send(unsent.peek())) {
        return false;
      }
      unsent.poll();
    }
    return true;
  }

  /** Whether datagrams wait for the socket. */
  boolean holdsUnsent() {
    return !unsent.isEmpty();
  }

  private void sendOrQueue(ByteBuffer datagram) throws IOException {
    if (!unsent.isEmpty() || !transport.send(datagram)) {
      queue(datagram);
    }
  }

  private void queue(ByteBuffer datagram) {
    unsent.add(copyOf(datagram));
  }

  /**
   * A copy of a datagram of our last flight whose epoch-0 records (NewSessionTicket,
   * ChangeCipherSpec: not authenticated) carry sequence numbers not sent before. A byte-identical
   * copy is a replay to a peer that saw the record once: OpenSSL's client drops a ChangeCipherSpec
   * that came before the NewSessionTicket, and then every copy of it as a replay, and waits. The
   * Finished (epoch 1, authenticated) is sent as it was.
   */
  private ByteBuffer renumbered(ByteBuffer datagram) {
    ByteBuffer copy = copyOf(datagram);
    for (int at = 0; DtlsRecords.hasHeader(copy, at); at += DtlsRecords.recordLength(copy, at)) {
      if (DtlsRecords.epoch(copy, at) == 0) {
        long seq = ++sentSequence0;
        copy.putShort(at + 5, (short) (seq >>> 32)).putInt(at + 7, (int) seq);
      }
    }
    return copy;
  }

  /** A heap copy of {@code datagram}'s remaining bytes, in read mode; the original is untouched. */
  private static ByteBuffer copyOf(ByteBuffer datagram) {
    return ByteBuffer.allocate(datagram.remaining()).put(datagram.duplicate()).flip();
  }
}
