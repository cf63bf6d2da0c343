package io.niotls.engine;

import io.niotls.context.Provider;
import io.niotls.wire.TlsRecords;
import java.nio.ByteBuffer;

/**
 * Where one provider's SSLEngine behaves differently in a way {@link TlsEngine} must act on: every
 * decision that depends on the provider is asked of this strategy, so the engine's code reads the
 * same for both. {@link JdkQuirks} is SunJSSE's, {@link OpenSslQuirks} BoringSSL's through Netty's
 * engine. Stateless: one instance per provider serves every engine, on any thread.
 *
 * <p>Some of BoringSSL's habits need no decision, because the way the engine copes with them is
 * harmless to SunJSSE; the engine does the same for both, and they are listed here so that the
 * provider knowledge is found in one place:
 *
 * <ul>
 *   <li>A TLS 1.3 server reports FINISHED only on an unwrap after the one that consumed the client
 *       Finished, sometimes on an unwrap that also says BUFFER_UNDERFLOW: {@link Receiver} offers a
 *       handshake unwrap even without new input, and checks the phase before the result's status.
 *   <li>Netty's engine says NEED_WRAP only in an unwrap's result, never in {@code
 *       getHandshakeStatus()}: after the handshake (a KeyUpdate reply), and for the alert of a
 *       failure it found while unwrapping, which it throws only on a later wrap. {@link Receiver}
 *       then owes a wrap before the next unwrap.
 *   <li>Once our close_notify is out every unwrap says CLOSED; only {@code isInboundDone()} tells
 *       that the peer's has arrived, and a close_notify right behind the server's last flight may
 *       be taken by the unwrap that ends the handshake.
 *   <li>TLS 1.3 session tickets arrive in the server's first flight and are taken only when
 *       unwrapped: a client reads whole buffered records ahead at the end of its handshake.
 *   <li>A TLS 1.3 server holds its tickets until its first write, and a wrap of nothing makes none:
 *       {@link SslEngineDriver} has them released when the handshake ends ({@code
 *       ProviderEngines.releaseHeldTickets}: a zero-byte {@code SSL_write}, nothing for SunJSSE)
 *       and wraps nothing to send them. Tickets still held come before the next write's record: a
 *       wrap into the transport's buffer, sized for the record, may overflow, and {@link Sender}
 *       wraps into its own buffer instead.
 * </ul>
 */
interface EngineQuirks {

  /** The quirks of {@code provider}, which is JDK or OPENSSL (a context never reports AUTO). */
  static EngineQuirks of(Provider provider) {
    return provider == Provider.OPENSSL ? OpenSslQuirks.INSTANCE : JdkQuirks.INSTANCE;
  }

  /**
   * Whether this provider's {@code client} or server engine refuses a TLS 1.2 renegotiation itself,
   * with the fatal {@code no_renegotiation} alert the RFC names (which niotls cannot seal). Where
   * it does not, {@link RecordGuard} refuses it.
   */
  boolean refusesRenegotiation(boolean client);

  /**
   * Whether a handshake failure can leave this provider with no alert to send, so that the engine
   * must write a plaintext one itself while none of our records is sealed.
   */
  boolean mayFailWithoutAlert();

  /**
   * Input that makes this provider's record layer refuse it with its nearest fatal alert to {@code
   * alert} (see {@link FatalAlerts}): unwrapping it throws, or says NEED_WRAP, and the next wraps
   * send the alert, sealed.
   */
  ByteBuffer provocation(String alert);

  /**
   * Whether a TLS 1.3 client of this provider ignores the session tickets that arrive after its own
   * close_notify, so that it must wait for them before (see {@link TicketWait}). SunJSSE takes them
   * while it reads toward the peer's close_notify.
   */
  default boolean dropsTicketsAfterCloseNotify() {
    return false;
  }

  /**
   * Whether this provider's engine, once established, reports NOT_HANDSHAKING from {@code
   * getHandshakeStatus()} for as long as its unwraps report OK and NOT_HANDSHAKING and we have not
   * closed: it says anything else (a reply or an alert due, the peer's close_notify) in an unwrap's
   * result first. {@link Receiver} then need not ask before every read. Netty's engine does so, and
   * takes its lock three times per ask; SunJSSE may announce post-handshake work only there.
   */
  default boolean handshakeStatusFollowsUnwraps() {
    return false;
  }

  /**
   * Whether this provider's engine unwraps handshake records into a destination with no room at
   * all, asking for room only for application data (a BUFFER_OVERFLOW, the record left where it
   * was): {@link Receiver} then takes no appIn for the handshake. SunJSSE does; Netty's engine
   * wants a record body's room for any record.
   */
  default boolean unwrapsHandshakeWithoutRoom() {
    return false;
  }

  /**
   * The most plaintext one record of a {@code protocol} session carries as this provider seals it:
   * writes of this size fill records without a small one behind each.
   */
  default int plaintextPerRecord(String protocol) {
    return TlsRecords.MAX_PLAINTEXT_BODY;
  }
}
