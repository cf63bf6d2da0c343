package io.niotls.loop;

import java.nio.ByteBuffer;

/**
 * What the application does with one session. A server makes one handler per accepted connection
 * (from the factory given to {@link TlsServer#bind}); a client gives one per {@link
 * TlsClient#connect}. Every method has an empty default.
 *
 * <p>Threading: every callback runs on the session's event-loop thread, one at a time, so a handler
 * used by one session needs no locking. Callbacks must not block: a blocked callback stalls every
 * session of that loop. Nothing a handler calls on a {@link TlsSession} calls the handler back
 * before it returns (writes are flushed, closes happen, after the callback).
 *
 * <p>A callback that throws closes its session with {@link CloseReason#ERROR}; the loop goes on.
 */
public interface SessionHandler {

  /**
   * The session carries application data from now on: the TLS handshake finished (tls schemes), or
   * the TCP connection is up ({@code tcp://}). Called at most once, before any {@link #onData}. A
   * STARTTLS upgrade does not call it again: its future says when it is done.
   */
  default void onOpen(TlsSession session) {}

  /**
   * Bytes arrived: decrypted for TLS sessions, as read for plaintext ones.
   *
   * <p>{@code data} belongs to the loop and is valid only during this call: copy what you keep
   * ({@link TlsSession#write} copies). Consuming means advancing {@code data.position()}: that
   * matters for STARTTLS only, where bytes left unconsumed in the read that asked for the upgrade
   * are refused as injected plaintext (CVE-2011-0411); see {@link TlsSession#startTls}.
   */
  default void onData(TlsSession session, ByteBuffer data) {
    data.position(data.limit());
  }

  /**
   * The outbound queue drained to half its limit after a {@link TlsSession#write} returned false:
   * write again.
   */
  default void onWritable(TlsSession session) {}

  /**
   * The session is over and its socket closed. Called exactly once for every session, also for one
   * that never opened (connect refused, handshake failed or timed out).
   *
   * @param reason why, typed
   * @param cause the failure for TRUNCATED, ALERT, TIMEOUT and ERROR (a {@link
   *     io.niotls.engine.TlsException} for TLS failures, with a message a person can act on); null
   *     for clean ends
   */
  default void onClosed(TlsSession session, CloseReason reason, Throwable cause) {}
}
