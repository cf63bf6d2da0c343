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
 * @param handshakesResumed completed handshakes that resumed an earlier session
 * @param handshakeLatency how long completed handshakes took, from accept
 * @param negotiated completed handshakes by protocol and cipher suite ("TLSv1.3
 *     TLS_AES_128_GCM_SHA256")
 * @param handshakeFailures failed handshakes by reason: "alert handshake_failure", "timeout",
 *     "truncated" (EOF during the handshake), or the failure's type
 * @param bytesIn bytes the sessions' sockets read (ciphertext for TLS), counted as sessions close
 * @param bytesOut bytes the sessions' sockets wrote, counted as sessions close
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
    Map<CloseReason, Long> closedBy,
    long handshakesResumed,
    HandshakeLatency handshakeLatency,
    Map<String, Long> negotiated,
    Map<String, Long> handshakeFailures,
    long bytesIn,
    long bytesOut) {

  /** The share of completed handshakes that resumed, 0 to 1; 0 before any completed. */
  public double resumptionRatio() {
    return handshakesCompleted == 0 ? 0 : (double) handshakesResumed / handshakesCompleted;
  }

  /** Sessions that closed for {@code reason}: {@link CloseReason#IDLE}, say. */
  public long closed(CloseReason reason) {
    return closedBy.getOrDefault(reason, 0L);
  }
}
