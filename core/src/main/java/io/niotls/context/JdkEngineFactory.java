package io.niotls.context;

import java.security.GeneralSecurityException;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.TrustManager;

/** SunJSSE engines. */
final class JdkEngineFactory implements EngineFactory {
  private final SSLContext sslContext;

  /**
   * Engines that ran a full handshake: marked by the key manager (server) or trust manager
   * (client), which the JDK only consults when it does not resume. Weak, so abandoned engines leave
   * nothing behind.
   */
  private final Set<SSLEngine> fullHandshakes =
      Collections.newSetFromMap(Collections.synchronizedMap(new WeakHashMap<>()));

  JdkEngineFactory(TlsContextBuilder settings) {
    if (!settings.client && settings.ocspResponse != null) {
      throw new TlsConfigException(
          "the JDK provider cannot staple a given OCSP response (SunJSSE fetches its own, with"
              + " jdk.tls.server.enableStatusRequestExtension): use the OPENSSL or BORINGSSL"
              + " provider for ocspResponse(...)"
              + (settings.provider == Provider.JDK
                  ? ""
                  : ", and make netty-tcnative-boringssl-static load"));
    }
    try {
      sslContext = SSLContext.getInstance(settings.datagrams ? "DTLSv1.2" : "TLS");
      KeyManager[] keys =
          settings.keyMaterial == null
              ? null
              : new KeyManager[] {new SingleKeyManager(settings.keyMaterial, fullHandshakes::add)};
      TrustManager[] trusts = {settings.trust.build(fullHandshakes::add)};
      sslContext.init(keys, trusts, null);
      SSLSessionContext sessions =
          settings.client
              ? sslContext.getClientSessionContext()
              : sslContext.getServerSessionContext();
      if (settings.sessions.cacheSize != null) {
        sessions.setSessionCacheSize(settings.sessions.cacheSize);
      }
      if (settings.sessions.timeout != null) {
        sessions.setSessionTimeout(settings.sessions.timeoutSeconds());
      }
      if (settings.client && !settings.sessionResumption) {
        // Sessions of engines made for port -1 are never looked up again, but SunJSSE still keeps
        // each one by its id, up to 20,480 of them (javax.net.ssl.sessionCacheSize): heap that
        // grows with every handshake of a client that does not resume. One is enough.
        sslContext.getClientSessionContext().setSessionCacheSize(1);
      }
    } catch (GeneralSecurityException e) {
      throw new TlsConfigException(
          "the JDK TLS provider could not be set up: " + e.getMessage(), e);
    }
  }

  @Override
  public SSLEngine newEngine(TlsContext context, String host, int port) {
    SSLEngine engine =
        host == null ? sslContext.createSSLEngine() : sslContext.createSSLEngine(host, port);
    engine.setUseClientMode(context.isClient());
    SSLParameters parameters = engine.getSSLParameters();
    context.configure(parameters, host);
    if (!context.alpn().isEmpty()) {
      parameters.setApplicationProtocols(context.alpn().toArray(new String[0]));
    }
    if (!context.isClient() && !context.alpn().isEmpty() && !context.requireAlpn()) {
      // SunJSSE refuses a client that shares no protocol (no_application_protocol); BoringSSL
      // goes on without ALPN. Unless ALPN is required, both go on: "" means no ALPN.
      engine.setHandshakeApplicationProtocolSelector(
          (e, offered) -> context.alpn().stream().filter(offered::contains).findFirst().orElse(""));
    }
    switch (context.clientAuth()) {
      case REQUIRE -> parameters.setNeedClientAuth(true);
      case OPTIONAL -> parameters.setWantClientAuth(true);
      default -> {}
    }
    engine.setSSLParameters(parameters);
    return engine;
  }

  /** The sessions SunJSSE keeps for clients of this context. */
  SSLSessionContext clientSessions() {
    return sslContext.getClientSessionContext();
  }

  @Override
  public void release(SSLEngine engine) {
    fullHandshakes.remove(engine);
  }

  @Override
  public boolean wasResumed(SSLEngine engine) {
    return !fullHandshakes.remove(engine);
  }
}
