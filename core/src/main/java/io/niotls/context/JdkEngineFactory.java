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
  private final boolean client;
  private final boolean datagrams;
  private final boolean resumption;
  private final Integer cacheSize; // null: SunJSSE's default
  private final Integer timeoutSeconds; // null: SunJSSE's default
  private final KeyManager[] keys;
  private final TrustManager[] trusts;
  private final SSLContext sslContext;

  /** A TLS 1.3 client's several session caches; null for servers and clients that do not resume. */
  private final JdkClientSessions clientSessions;

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
    client = settings.client;
    datagrams = settings.datagrams;
    resumption = settings.sessionResumption;
    cacheSize = settings.sessions.cacheSize;
    timeoutSeconds = settings.sessions.timeout == null ? null : settings.sessions.timeoutSeconds();
    keys =
        settings.keyMaterial == null
            ? null
            : new KeyManager[] {new SingleKeyManager(settings.keyMaterial, fullHandshakes::add)};
    trusts = new TrustManager[] {settings.trust.build(fullHandshakes::add)};
    sslContext = newSslContext();
    clientSessions =
        settings.client
                && settings.sessionResumption
                && !settings.datagrams
                && settings.protocols.contains("TLSv1.3")
            ? new JdkClientSessions(sslContext, this::newSslContext)
            : null;
  }

  /** An SSLContext as the settings say; a client's pool of session caches makes more alike. */
  private SSLContext newSslContext() {
    try {
      SSLContext made = SSLContext.getInstance(datagrams ? "DTLSv1.2" : "TLS");
      made.init(keys, trusts, null);
      SSLSessionContext sessions =
          client ? made.getClientSessionContext() : made.getServerSessionContext();
      if (cacheSize != null) {
        sessions.setSessionCacheSize(cacheSize);
      }
      if (timeoutSeconds != null) {
        sessions.setSessionTimeout(timeoutSeconds);
      }
      if (client && !resumption) {
        // Sessions of engines made for port -1 are never looked up again, but SunJSSE still keeps
        // each one by its id, up to 20,480 of them (javax.net.ssl.sessionCacheSize): heap that
        // grows with every handshake of a client that does not resume. One is enough.
        made.getClientSessionContext().setSessionCacheSize(1);
      }
      return made;
    } catch (GeneralSecurityException e) {
      throw new TlsConfigException(
          "the JDK TLS provider could not be set up: " + e.getMessage(), e);
    }
  }

  @Override
  public SSLEngine newEngine(TlsContext context, String host, int port) {
    SSLEngine engine;
    if (host == null) {
      engine = sslContext.createSSLEngine();
    } else if (clientSessions != null && port > 0) {
      engine = clientSessions.newEngine(host, port);
    } else {
      engine = sslContext.createSSLEngine(host, port);
    }
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

  /** The sessions SunJSSE keeps for clients of this context (the first of its caches). */
  SSLSessionContext clientSessions() {
    return sslContext.getClientSessionContext();
  }

  /** SunJSSE contexts (each with its own client session cache) made so far. */
  int sessionCaches() {
    return clientSessions == null ? 1 : clientSessions.contexts();
  }

  @Override
  public void release(SSLEngine engine) {
    fullHandshakes.remove(engine);
    if (clientSessions != null) {
      clientSessions.released(engine);
    }
  }

  @Override
  public void heardAfterHandshake(SSLEngine engine) {
    if (clientSessions != null) {
      clientSessions.ticketsCame(engine);
    }
  }

  @Override
  public boolean wasResumed(SSLEngine engine) {
    if (clientSessions != null) {
      clientSessions.finished(engine);
    }
    return !fullHandshakes.remove(engine);
  }
}
