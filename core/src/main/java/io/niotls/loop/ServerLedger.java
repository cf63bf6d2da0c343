package io.niotls.loop;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a server counts (connections, handshakes, bytes a close_notify cut off) as its sessions
 * report to it, and what frees an admission slot when a handshake ends. Thread-safe.
 */
final class ServerLedger implements SessionListener {
  final Admission admission;
  private final SessionSet sessions;
  private final Runnable slotFreed;
  private final LongAdder accepted = new LongAdder();
  private final LongAdder completed = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder unsentSessions = new LongAdder();
  private final LongAdder unsentBytes = new LongAdder();
  private final EnumMap<CloseReason, LongAdder> closedBy = new EnumMap<>(CloseReason.class);
  private final HandshakeMetrics handshakes = new HandshakeMetrics();
  private final LongAdder bytesIn = new LongAdder();
  private final LongAdder bytesOut = new LongAdder();

  /**
   * @param sessions the server's live sessions, each removed as it closes
   * @param slotFreed told (on any thread) when a handshake ends, so accepting may resume
   */
  ServerLedger(Admission admission, SessionSet sessions, Runnable slotFreed) {
    this.admission = admission;
    this.sessions = sessions;
    this.slotFreed = slotFreed;
    for (CloseReason reason : CloseReason.values()) {
      closedBy.put(reason, new LongAdder());
    }
  }

  /** A connection was accepted; for TLS its handshake takes a slot. */
  void accepted(boolean tls) {
    accepted.increment();
    if (tls) {
      admission.taken();
    }
  }

  @Override
  public void handshakeEnded(Connection connection, CloseIntent failure) {
    if (failure == null) {
      completed.increment();
      handshakes.completed(connection.handshakeNanos(), connection.info());
    } else {
      failed.increment();
      handshakes.failed(failure);
    }
    admission.freed();
    slotFreed.run();
  }

  @Override
  public void closed(Connection connection) {
    sessions.remove(connection);
    bytesIn.add(connection.activity().bytesIn());
    bytesOut.add(connection.activity().bytesOut());
    CloseReason reason = connection.endedBy();
    if (reason != null) {
      closedBy.get(reason).increment();
    }
    long unsent = connection.unsentBytes();
    if (unsent > 0) {
      unsentSessions.increment();
      unsentBytes.add(unsent);
    }
  }

  ServerStats snapshot() {
    return new ServerStats(
        accepted.sum(),
        completed.sum(),
        failed.sum(),
        admission.waits(),
        admission.peak(),
        admission.inProgress(),
        sessions.size(),
        unsentSessions.sum(),
        unsentBytes.sum(),
        closes(),
        handshakes.resumed(),
        handshakes.latency(),
        handshakes.negotiated(),
        handshakes.failures(),
        bytesIn.sum(),
        bytesOut.sum());
  }

  private Map<CloseReason, Long> closes() {
    EnumMap<CloseReason, Long> counts = new EnumMap<>(CloseReason.class);
    closedBy.forEach((reason, n) -> counts.put(reason, n.sum()));
    return Collections.unmodifiableMap(counts);
  }
}
