package io.niotls.engine;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;

/**
 * The {@link SSLEngine} a {@link TlsEngine} drives, for niotls's own modules: the Netty adapter
 * shows the JDK's own {@link SSLSession} to code written for Netty's {@code SslHandler} (its key
 * logging reads SunJSSE's session), and tests drive a peer's engine to forge what a well-behaved
 * engine never sends. Not an application API, and it may change in any release: what a handshake
 * negotiated is {@link TlsEngine#session()}'s. It is public only because the adapter lives in
 * another module.
 *
 * <p>Never wrap, unwrap or change the settings of the engine it returns while its {@code TlsEngine}
 * is in use: the TlsEngine's state would no longer be the connection's.
 */
public final class UnderlyingEngine {
  private UnderlyingEngine() {}

  /**
   * The SSLEngine under {@code engine} for the JDK and OPENSSL providers; null for BORINGSSL, which
   * drives BoringSSL's own API and has no SSLEngine.
   */
  public static SSLEngine of(TlsEngine engine) {
    return engine.sslEngine();
  }
}
