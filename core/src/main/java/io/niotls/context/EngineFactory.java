package io.niotls.context;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;

/**
 * Makes and frees the SSLEngines of one provider. Thread-safe. Made from the builder, before the
 * context exists; each engine is made for the context that asks.
 */
interface EngineFactory {
  /** A new engine in {@code context}'s role; {@code host} null for servers. */
  SSLEngine newEngine(TlsContext context, String host, int port);

  /** Frees native state held by the engine, if any. */
  void release(SSLEngine engine);

  /** Whether the engine's finished handshake resumed a session. */
  boolean wasResumed(SSLEngine engine);

  /** A client engine read its first record after the handshake (tickets, or data behind them). */
  default void heardAfterHandshake(SSLEngine engine) {}

  /**
   * Has a TLS 1.3 server engine queue the session tickets its provider holds until the first write
   * of application data, for the next wrap (even of nothing) to carry; {@link
   * ProviderEngines.HeldTickets#NONE} where the provider sends them with the handshake, as SunJSSE
   * does.
   */
  default ProviderEngines.HeldTickets releaseHeldTickets(SSLEngine engine) {
    return ProviderEngines.HeldTickets.NONE;
  }

  /** The SNI host name a client sent to this server engine, or null; asked once, at its end. */
  default String requestedServerName(SSLEngine engine) {
    if (engine.getSession() instanceof ExtendedSSLSession session) {
      for (SNIServerName name : session.getRequestedServerNames()) {
        if (name instanceof SNIHostName host) {
          return host.getAsciiName();
        }
      }
    }
    return null;
  }
}
