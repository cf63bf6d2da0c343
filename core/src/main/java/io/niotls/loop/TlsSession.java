package io.niotls.loop;

import io.niotls.context.TlsContext;
import io.niotls.engine.SessionInfo;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * One connection driven by a {@link TlsEventLoop}: TLS ({@code tls://}, {@code ssl://}, {@code
 * tlsv1.2://}, {@code tlsv1.3://}) or plaintext ({@code tcp://}, upgradable with {@link
 * #startTls}).
 *
 * <p>Threading: every method may be called from any thread. Methods that act ({@link #write},
 * {@link #close}, {@link #startTls}, {@link #setAutoRead}) hand the work to the session's loop and
 * return at once; calls from one thread keep their order. None of them calls the handler back
 * before returning. Futures returned here complete on the loop thread: dependent actions attached
 * without an executor run there and must not block.
 */
public interface TlsSession {

  /**
   * Queues {@code src}'s remaining bytes to be sent (encrypted for TLS) and returns at once. The
   * bytes are copied: {@code src} is consumed (its position moves to its limit) and may be reused
   * as soon as this returns.
   *
   * <p>Backpressure: the session queues at most about {@code maxOutboundBytes} (see {@link
   * ServerOptions}/{@link ClientOptions}): a write is taken while the queue is below that limit, so
   * the queue exceeds it by at most one write. When the queue is full this returns false, takes
   * nothing ({@code src} unchanged), and {@link SessionHandler#onWritable} follows once the queue
   * has drained to half the limit. Writes made before the session opens are sent once it does.
   *
   * @return true when the bytes were taken; false when the queue is full, or the session is closing
   *     or closed (then {@link #isOpen()} is false and no onWritable follows)
   */
  boolean write(ByteBuffer src);

  /**
   * Closes gracefully: sends what is queued, then close_notify, then waits (bounded by the close
   * timeout) for the peer's close_notify and closes the socket. Before the session opened, it
   * aborts at once. The handler hears {@link CloseReason#LOCAL} unless the session had already
   * begun ending for another reason. Idempotent.
   *
   * @return completes when the socket is closed and {@link SessionHandler#onClosed} has run; never
   *     fails
   */
  CompletableFuture<Void> close();

  /** Completes when the session has closed, for whatever reason; never fails. */
  CompletableFuture<Void> closeFuture();

  /**
   * Upgrades an open plaintext session to TLS in place (STARTTLS: SMTP, IMAP, XMPP...). The role
   * comes from {@code context}: a server context answers the peer's ClientHello, a client context
   * sends one. A client verifies (and sends as SNI) the host of the URI it connected to; on a
   * session a server accepted, that is the peer's IP address.
   *
   * <p>Bytes written before this call go out as plaintext, bytes written after it over TLS.
   *
   * <p>Command injection (CVE-2011-0411): plaintext the peer sent after the STARTTLS exchange and
   * before its first TLS record is refused, never taken as if it had come through TLS. Call this
   * from {@link SessionHandler#onData} right after consuming the command (server: the {@code
   * STARTTLS} line, after queueing the {@code 220} reply; client: the {@code 220} reply) by
   * advancing {@code data.position()} past it: any byte left in that buffer, or any first byte
   * after it that does not start a TLS record, closes the session with {@link CloseReason#ERROR}
   * and a message naming CVE-2011-0411. A handler that buffers input itself must check that its own
   * buffer holds nothing past the command.
   *
   * <p>What the loop guarantees after this call: it keeps no plaintext across the upgrade (every
   * read goes into a buffer that is cleared before the next), so from the call on {@link
   * SessionHandler#onData} sees only bytes decrypted by the new TLS session; a partial line left
   * behind the command is refused like a whole one. What it cannot know is the handler's own state
   * from the plaintext phase: a protocol's rules for discarding it (SMTP: RFC 3207 section 4.2, the
   * EHLO reply and anything learned before TLS) are the handler's to follow.
   *
   * @return completes with this session when the handshake is done; fails with the cause (and the
   *     session closes) when it fails, times out ({@code context.handshakeTimeout()}), is refused
   *     as above, or the session is not an open plaintext session
   */
  CompletableFuture<TlsSession> startTls(TlsContext context);

  /**
   * Ends TLS on an open TLS session and keeps the connection as plaintext (stopTls, the inverse of
   * {@link #startTls}: FTP's {@code CCC}, LDAP's StopTLS; what Python's {@code SSLSocket.unwrap()}
   * does). Bytes written before this call go out over TLS, then our close_notify; bytes written
   * after it wait and go out as plaintext once the peer's close_notify has arrived. Until then the
   * peer's last TLS data still reaches {@link SessionHandler#onData}; from then on onData sees
   * plaintext, starting with whatever the peer sent right behind its close_notify (even in the same
   * segment: it is never taken as TLS).
   *
   * <p>Either side may begin, as the application protocol agrees: call this from {@link
   * SessionHandler#onData} as you consume the exchange that asks for it (the command, or the reply
   * to ours), so that nothing more is read as TLS before the stop begins. A peer's close_notify
   * that arrives while no stopTls was asked for ends the session as always ({@link
   * CloseReason#CLOSE_NOTIFY}).
   *
   * @return completes with this session once close_notify has gone both ways and it speaks
   *     plaintext ({@link #info()} is then null); fails, and the session closes, when the peer
   *     closes the connection instead of sending close_notify (an {@link java.io.IOException} that
   *     says so, its cause the TRUNCATED {@link io.niotls.engine.TlsException}), when its
   *     close_notify does not come within the context's {@link TlsContext#closeTimeout()} (counted
   *     from the call, as a close's: writing what was queued before it included), or when the
   *     session is not an open TLS session
   */
  CompletableFuture<TlsSession> stopTls();

  /**
   * Stops ({@code false}) or resumes ({@code true}, the default) reading. While stopped the handler
   * gets no {@link SessionHandler#onData} and the peer is slowed by TCP flow control; data already
   * decrypted waits in the engine and is delivered when reading resumes. Applies to open sessions:
   * handshakes and closes always read.
   */
  void setAutoRead(boolean autoRead);

  boolean isAutoRead();

  /** What the TLS handshake negotiated; null before it finished and for plaintext sessions. */
  SessionInfo info();

  /** True from open until close begins (the session accepts writes). */
  boolean isOpen();

  /** The peer's address (for a client, the address connected to, once resolved). */
  InetSocketAddress remoteAddress();

  /** Our side's address; null before the socket is connected. */
  InetSocketAddress localAddress();

  /** Bytes queued by {@link #write} and not yet handed to the engine or socket. */
  long queuedBytes();

  /**
   * Once closed with {@link CloseReason#CLOSE_NOTIFY_UNSENT}: how many bytes that {@link #write}
   * accepted were never sent. 0 otherwise.
   */
  long unsentBytes();

  /** The loop whose thread runs this session and its handler. */
  TlsEventLoop eventLoop();
}
