package io.niotls.loop;

import java.util.Map;

/**
 * A snapshot of a {@link TlsServer}'s counters since it was bound. Immutable; {@link
 * TlsServer#stats()} may be called from any thread, and the counters are read one by one, so a
 * snapshot taken under load need not add up exactly.
 *
 * @param accepted connections accepted
 * @param handshakesCompleted TLS handshakes that finished (tcp:// servers count none)
 * @param handshakesFailed TLS handshakes that failed, timed out or were cut short
 * @param admissionWaits times accepting paused because {@code maxConcurrentHandshakes} were in
 *     progress (connections then wait in the kernel's backlog)
 * @param peakConcurrentHandshakes the most handshakes ever in progress at once
 * @param concurrentHandshakes handshakes in progress now
 * @param activeSessions sessions not yet closed
 * @param unsentSessions sessions the peer ended with close_notify while bytes the application had
 *     written were still queued ({@link CloseReason#CLOSE_NOTIFY_UNSENT})
 * @param unsentBytes the bytes those sessions never sent
 * @param closedBy sessions closed so far, by why they closed (every reason present, 0 or more)
 */
public record ServerStats(
    long accepted,
    long handshakesCompleted,
    long handshakesFailed,
    long admissionWaits,
    int peakConcurrentHandshakes,
    int concurrentHandshakes,
    int activeSessions,
    long unsentSessions,
    long unsentBytes,
    Map<CloseReason, Long> closedBy) {

  /** Sessions that closed for {@code reason}: {@link CloseReason#IDLE}, say. */
  public long closed(CloseReason reason) {
    return closedBy.getOrDefault(reason, 0L);
  }
}
