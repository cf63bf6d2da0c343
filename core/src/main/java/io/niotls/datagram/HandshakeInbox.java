package io.niotls.datagram;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the JDK's DTLS engine is shown of the peer's plaintext handshake: each message once, whole,
 * in message_seq order, and the ChangeCipherSpec only after every message before it in its flight
 * (RFC 6347 §4.2.2: a receiver buffers messages that come early and drops the ones it has already
 * processed).
 *
 * <p>Why: the JDK's reassembler orders what it buffers, but it takes a retransmitted message of a
 * flight it has already processed as part of the next flight when copies of both are interleaved
 * ("Unexpected handshake message: server_hello"), and it lets a ChangeCipherSpec through while a
 * message before it is still missing a fragment, so the Finished that follows does not verify. So
 * during the handshake every epoch-0 handshake record goes here first:
 *
 * <ul>
 *   <li>a fragment of a message below the next expected message_seq is a retransmission: it is
 *       dropped and counted ({@link #takeRetransmissions()}): the peer may have lost our answer;
 *   <li>fragments of later messages are buffered (a bounded number of messages ahead), and a
 *       message goes to the engine when it is whole and every earlier one has gone, as fresh
 *       records of its own (re-fragmented to the engine's record size);
 *   <li>a ChangeCipherSpec waits until the record the peer sent just before it (sequence number one
 *       lower) has been seen and all its messages have gone to the engine, or that record was a
 *       ChangeCipherSpec too (the flight starts with it); copies after the first are dropped.
 * </ul>
 *
 * Epoch-0 records go to the engine with increasing record sequence numbers of their own (the JDK
 * drops a record numbered below one it has taken; epoch 0 is not authenticated). Other records
 * (later epochs, alerts) pass unchanged, one per datagram. Confined to the engine's thread.
 */
final class HandshakeInbox {
  /** How far past the next expected message fragments are kept. */
  static final int MAX_AHEAD = 16;

  /** The most bytes of messages held at once: a handshake flight is a few KiB. */
  static final int MAX_BUFFERED = 256 * 1024;

  private static final int HANDSHAKE_HEADER = 12;
  private static final int MAX_HELD_CCS = 4;
  private static final int RECORDS_REMEMBERED = 128;

  private final int maxFragment;
  private final TreeMap<Integer, Message> pending = new TreeMap<>();
  private final ArrayDeque<ByteBuffer> ready = new ArrayDeque<>();
  private final ArrayDeque<Long> heldCcs = new ArrayDeque<>();
  private final Map<Long, Integer> lastMessageOfRecord =
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Integer> eldest) {
          return size() > RECORDS_REMEMBERED;
        }
      };
  private int nextSeq;
  private long nextRecord;
  private boolean ccsPassed;
  private int buffered;
  private int retransmissions;
  private short version = (short) 0xfefd;

  /**
   * @param maxRecord the longest record the engine is given, header included
   * @param nextSeq the message_seq expected first (0, or past a ClientHello a cookie gate took)
   */
  HandshakeInbox(int maxRecord, int nextSeq) {
    this.maxFragment = maxRecord - DtlsRecords.HEADER - HANDSHAKE_HEADER;
    this.nextSeq = nextSeq;
    if (maxFragment < 1) {
      throw new IllegalArgumentException("a record of " + maxRecord + " bytes holds no fragment");
    }
  }

  /** The engine was given a message by other means: expect the one after it. */
  void delivered(int messageSeq, long recordSeq) {
    nextSeq = Math.max(nextSeq, messageSeq + 1);
    nextRecord = Math.max(nextRecord, recordSeq + 1);
    lastMessageOfRecord.put(recordSeq, messageSeq); // a resuming client's CCS may follow it
  }

  /** Takes a datagram's records (its remaining bytes; consumed). */
  void offer(ByteBuffer datagram) {
    int at = datagram.position();
    int end = datagram.limit();
    while (DtlsRecords.hasHeader(datagram, at)) {
      int next = at + DtlsRecords.recordLength(datagram, at);
      if (next > end) {
        break; // a datagram that ends inside a record: the rest is unreadable
      }
      int type = DtlsRecords.contentType(datagram, at);
      if (DtlsRecords.epoch(datagram, at) != 0
          || (type != DtlsRecords.HANDSHAKE && type != DtlsRecords.CHANGE_CIPHER_SPEC)) {
        ready.add(copy(datagram, at, next));
      } else if (type == DtlsRecords.CHANGE_CIPHER_SPEC) {
        changeCipherSpec(DtlsRecords.sequence(datagram, at));
      } else {
        version = datagram.getShort(at + 1);
        handshake(datagram, at + DtlsRecords.HEADER, next, DtlsRecords.sequence(datagram, at));
      }
      at = next;
    }
    datagram.position(end);
    release();
  }

  /** The next datagram for the engine (one record), or null. */
  ByteBuffer poll() {
    return ready.poll();
  }

  boolean hasReady() {
    return !ready.isEmpty();
  }

  /** Retransmitted messages dropped since the last call (the peer may lack our last flight). */
  int takeRetransmissions() {
    int n = retransmissions;
    retransmissions = 0;
    return n;
  }

  /** The message_seq the engine expects next. */
  int nextMessageSeq() {
    return nextSeq;
  }

  private void changeCipherSpec(long sequence) {
    if (ccsPassed) {
      retransmissions++;
      return;
    }
    lastMessageOfRecord.put(sequence, -1);
    if (!heldCcs.contains(sequence)) {
      if (heldCcs.size() >= MAX_HELD_CCS) {
        heldCcs.poll();
      }
      heldCcs.add(sequence);
    }
  }

  private void handshake(ByteBuffer d, int at, int end, long recordSeq) {
    int last = -1;
    while (end - at >= HANDSHAKE_HEADER) {
      int type = d.get(at) & 0xff;
      int length = uint24(d, at + 1);
      int seq = d.getShort(at + 4) & 0xffff;
      int offset = uint24(d, at + 6);
      int fragmentLength = uint24(d, at + 9);
      int body = at + HANDSHAKE_HEADER;
      if (fragmentLength > end - body || offset + fragmentLength > length) {
        return; // malformed: what is left of the record cannot be trusted
      }
      last = Math.max(last, seq);
      if (seq < nextSeq) {
        retransmissions++;
      } else if (seq < nextSeq + MAX_AHEAD) {
        Message m = pending.get(seq);
        if (m == null && buffered + length <= MAX_BUFFERED) {
          m = new Message(type, length);
          pending.put(seq, m);
          buffered += length;
        }
        if (m != null && m.type == type && m.body.length == length) {
          m.fill(d, body, offset, fragmentLength);
        }
      }
      at = body + fragmentLength;
    }
    if (last >= 0) {
      lastMessageOfRecord.put(recordSeq, last);
    }
  }

  /** Moves whole messages in turn, then a ChangeCipherSpec whose turn has come, to ready. */
  private void release() {
    for (Message m = pending.get(nextSeq); m != null && m.whole(); m = pending.get(nextSeq)) {
      pending.remove(nextSeq);
      buffered -= m.body.length;
      emit(m, nextSeq);
      nextSeq++;
    }
    pending.headMap(nextSeq).clear();
    for (Long ccs : heldCcs) {
      Integer before = lastMessageOfRecord.get(ccs - 1);
      if (before != null && before < nextSeq) {
        ByteBuffer record = ByteBuffer.allocate(DtlsRecords.HEADER + 1);
        header(record, DtlsRecords.CHANGE_CIPHER_SPEC, 1);
        record.put((byte) 1).flip();
        ready.add(record);
        ccsPassed = true;
        heldCcs.clear();
        lastMessageOfRecord.clear();
        return;
      }
    }
  }

  private void emit(Message m, int seq) {
    int offset = 0;
    do {
      int n = Math.min(maxFragment, m.body.length - offset);
      ByteBuffer record = ByteBuffer.allocate(DtlsRecords.HEADER + HANDSHAKE_HEADER + n);
      header(record, DtlsRecords.HANDSHAKE, HANDSHAKE_HEADER + n);
      record.put((byte) m.type);
      putUint24(record, m.body.length);
      record.putShort((short) seq);
      putUint24(record, offset);
      putUint24(record, n);
      record.put(m.body, offset, n).flip();
      ready.add(record);
      offset += n;
    } while (offset < m.body.length);
  }

  private void header(ByteBuffer record, int type, int length) {
    long seq = nextRecord++;
    record.put((byte) type).putShort(version).putShort((short) 0);
    record.putShort((short) (seq >>> 32)).putInt((int) seq).putShort((short) length);
  }

  private static ByteBuffer copy(ByteBuffer d, int from, int to) {
    ByteBuffer b = ByteBuffer.allocate(to - from);
    b.put(d.slice(from, to - from)).flip();
    return b;
  }

  private static int uint24(ByteBuffer b, int at) {
    return ((b.get(at) & 0xff) << 16) | ((b.get(at + 1) & 0xff) << 8) | (b.get(at + 2) & 0xff);
  }

  private static void putUint24(ByteBuffer b, int v) {
    b.put((byte) (v >>> 16)).put((byte) (v >>> 8)).put((byte) v);
  }

  /** One handshake message being reassembled. */
  private static final class Message {
    final int type;
    final byte[] body;
    final BitSet filled;
    int missing;

    Message(int type, int length) {
      this.type = type;
      this.body = new byte[length];
      this.filled = new BitSet(length);
      this.missing = length;
    }

    void fill(ByteBuffer d, int from, int offset, int length) {
      d.get(from, body, offset, length); // a copy of bytes already here rewrites the same
      filled.set(offset, offset + length);
      missing = body.length - filled.cardinality();
    }

    boolean whole() {
      return missing == 0;
    }
  }
}
