package io.niotls.context;

import javax.net.ssl.SSLEngine;

/**
 * The {@link SSLEngine}s of a {@link TlsContext}, for niotls's own modules: the engine's SSLEngine
 * driver, the Netty adapter (which hands engines to code that builds Netty's own {@code
 * SslHandler}, such as gRPC) and the benchmarks (which drive the raw engine as a baseline). Not an
 * application API, and it may change in any release: applications make connections with {@code
 * TlsEngine}, {@code TlsChannel} or the loop and read what a handshake negotiated from {@code
 * SessionInfo}. It is public only because core's packages cannot share package-private methods with
 * each other or with the adapter.
 *
 * <p>An engine is SunJSSE's for the JDK provider and Netty's BoringSSL engine for OPENSSL; for
 * BORINGSSL, which drives BoringSSL without an SSLEngine, it is Netty's BoringSSL engine with the
 * context's settings and a session cache of its own. Every engine made here is freed with {@link
 * #release}.
 */
public final class ProviderEngines {
  private ProviderEngines() {}

  /**
   * A configured engine for one connection: a client's for {@code peerHost} and {@code peerPort}
   * (SNI, host name verification, the key of its session cache), a server's with a null host and
   * port -1.
   */
  public static SSLEngine newEngine(TlsContext context, String peerHost, int peerPort) {
    return context.newSslEngine(peerHost, peerPort);
  }

  /** Frees what {@link #newEngine} made (the native state of BoringSSL's engines). */
  public static void release(TlsContext context, SSLEngine engine) {
    context.releaseSslEngine(engine);
  }

  /** Whether the engine's finished handshake resumed a session (asked once, at its end). */
  public static boolean wasResumed(TlsContext context, SSLEngine engine) {
    return context.wasResumed(engine);
  }

  /**
   * A client engine read a record after its handshake (the server's session tickets, or data the
   * server sends after them): told once, so a provider's client session cache can count the tickets
   * as there.
   */
  public static void heardAfterHandshake(TlsContext context, SSLEngine engine) {
    context.heardAfterHandshake(engine);
  }

  /** What {@link #releaseHeldTickets} did. */
  public enum HeldTickets {
    /** The provider holds none: it sends its tickets with the handshake (SunJSSE). */
    NONE,
    /** All were queued: the next wrap, even of nothing, carries them. */
    QUEUED,
    /** Part were queued, the engine's buffer being full: wrap, then ask again. */
    PARTLY
  }

  /**
   * Has a TLS 1.3 server engine queue the tickets its provider holds until its first write (Netty's
   * engine over BoringSSL), for the next wrap to carry.
   */
  public static HeldTickets releaseHeldTickets(TlsContext context, SSLEngine engine) {
    return context.releaseHeldTickets(engine);
  }

  /** The SNI host name a client sent to this server engine, or null (asked once, at its end). */
  public static String requestedServerName(TlsContext context, SSLEngine engine) {
    return context.requestedServerName(engine);
  }
}
