package io.niotls.context;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.internal.tcnative.SSL;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * BoringSSL engines through netty-tcnative. Like the BORINGSSL provider's classes (BoringContext,
 * BoringKeys, BoringSessions, NativeSsl here; BoringDriver and its parts in the engine), it names
 * Netty and is loaded only when its provider is chosen, so core runs with the JDK alone on the
 * class path.
 */
final class OpenSslEngineFactory implements EngineFactory {
  /**
   * The buffer each engine's BIO pair keeps for what BoringSSL writes outside a wrap (a handshake
   * flight answered during an unwrap, session tickets, alerts). It is allocated on first use and
   * held as long as the engine lives, so it is part of what every idle connection costs: Netty's
   * default of 2 KiB was a quarter of an idle session's memory. What does not fit waits in
   * BoringSSL for the next wrap, which the engine asks for (NEED_WRAP) anyway; measured, a
   * handshake costs the same with 512 bytes as with 2 KiB, while an idle session holds ~1.5 KiB
   * less native memory.
   */
  static final int NON_APPLICATION_BIO_BYTES = 512;

  private final SslContext sslContext;
  private final boolean noTickets; // a server with sessionTickets(false)
  private final byte[] ocspResponse; // a server's staple; else null

  OpenSslEngineFactory(TlsContextBuilder settings) {
    ocspResponse =
        settings.client || settings.ocspResponse == null ? null : settings.ocspResponse.bytes();
    KeyMaterial key = settings.keyMaterial;
    SslContextBuilder builder =
        settings.client
            ? SslContextBuilder.forClient()
            : SslContextBuilder.forServer(sharedKeyMaterial(key));
    if (settings.client && key != null) {
      builder.keyManager(sharedKeyMaterial(key));
    }
    builder
        .sslProvider(SslProvider.OPENSSL)
        .protocols(settings.protocols)
        .ciphers(settings.cipherSuites)
        .trustManager(new OpenSslTrust(settings.trust.build(engine -> {})))
        .option(OpenSslContextOption.USE_TASKS, settings.delegatedTasks == DelegatedTasks.CALLER)
        .clientAuth(
            switch (settings.clientAuth) {
              case REQUIRE -> io.netty.handler.ssl.ClientAuth.REQUIRE;
              case OPTIONAL -> io.netty.handler.ssl.ClientAuth.OPTIONAL;
              default -> io.netty.handler.ssl.ClientAuth.NONE;
            });
    if (settings.requestsOcspStapling() || ocspResponse != null) {
      builder.enableOcsp(true); // a client's status_request; a server's setOcspResponse
    }
    if (!settings.alpn.isEmpty()) {
      builder.applicationProtocolConfig(
          new ApplicationProtocolConfig(
              ApplicationProtocolConfig.Protocol.ALPN,
              ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
              ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
              settings.alpn));
    }
    try {
      sslContext = builder.build();
    } catch (SSLException e) {
      throw new TlsConfigException(
          "the OpenSSL provider refused the settings: " + e.getMessage(), e);
    }
    if (sslContext instanceof ReferenceCountedOpenSslContext openSsl) {
      openSsl.setBioNonApplicationBufferSize(NON_APPLICATION_BIO_BYTES);
    }
    TcnativeSessions.applyToNetty(sslContext, settings.sessions, settings.client);
    noTickets = !settings.client && !settings.sessions.tickets;
    if (settings.client && !settings.sessionResumption) {
      // Netty's client cache keys sessions by host even without a port, and TLS 1.3 tickets
      // arrive after the handshake: only switching the cache off keeps every handshake full.
      ((OpenSslSessionContext) sslContext.sessionContext()).setSessionCacheEnabled(false);
    }
  }

  /**
   * The key and chain as a key manager whose native form BoringSSL parses once and shares by
   * reference count. Given the key and chain directly, Netty encodes the chain as PEM and parses it
   * and the key into fresh native objects on every handshake, and each SSL object keeps its copy
   * for as long as the connection lives (measured: 140 bytes of native memory per idle session).
   */
  private static KeyManagerFactory sharedKeyMaterial(KeyMaterial key) {
    try {
      char[] password = new char[0];
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(
          "key", key.privateKey(), password, key.chain().toArray(new X509Certificate[0]));
      KeyManagerFactory factory = KeyManagerFactory.getInstance("SunX509");
      factory.init(store, password);
      return new OpenSslCachingX509KeyManagerFactory(factory);
    } catch (GeneralSecurityException | IOException e) {
      throw new TlsConfigException(
          "the OpenSSL provider could not take the key material: " + e.getMessage(), e);
    }
  }

  /** Null when BoringSSL can be used here, else why not. */
  static String unavailability() {
    if (OpenSsl.isAvailable()) {
      return null;
    }
    Throwable cause = OpenSsl.unavailabilityCause();
    return "netty-tcnative-boringssl-static did not load"
        + (cause == null ? "" : ": " + cause.getMessage());
  }

  @Override
  public SSLEngine newEngine(TlsContext context, String host, int port) {
    SSLEngine engine = configuredEngine(context, host, port);
    if (ocspResponse != null && engine instanceof ReferenceCountedOpenSslEngine openSsl) {
      openSsl.setOcspResponse(ocspResponse); // sent only to a client that asks
    }
    return engine;
  }

  private SSLEngine configuredEngine(TlsContext context, String host, int port) {
    if (!context.isClient() && context.sniNames().isEmpty()) {
      // The SslContext already holds all such a server engine needs (protocols, suites, client
      // auth, server cipher order, ALPN); reading and re-setting them per engine converted every
      // suite name both ways and made BoringSSL parse the cipher list again, on every handshake.
      // Only sniStrict's SNI matchers exist per engine alone.
      SSLEngine engine = sslContext.newEngine(ByteBufAllocator.DEFAULT);
      if (noTickets) {
        TcnativeSessions.noTickets(engine);
      }
      return engine;
    }
    SSLEngine engine =
        host == null
            ? sslContext.newEngine(ByteBufAllocator.DEFAULT)
            : sslContext.newEngine(ByteBufAllocator.DEFAULT, host, port);
    SSLParameters parameters;
    if (context.isClient()) {
      // The SslContext already set the protocols and suites: parameters that name them again made
      // Netty turn every suite name around and BoringSSL parse the cipher list again, per engine (a
      // tenth of a resumed handshake). Fresh parameters leave them as they are; on a client engine
      // their client-auth flags mean nothing.
      parameters = new SSLParameters();
      context.configureConnection(parameters, host);
    } else {
      parameters = engine.getSSLParameters(); // keeps the client-auth flags
      context.configure(parameters, host);
    }
    engine.setSSLParameters(parameters);
    if (noTickets) {
      TcnativeSessions.noTickets(engine);
    }
    return engine;
  }

  @Override
  public void release(SSLEngine engine) {
    ReferenceCountUtil.release(engine);
  }

  @Override
  public boolean wasResumed(SSLEngine engine) {
    try {
      return (boolean) SessionReused.HANDLE.invoke(engine);
    } catch (Throwable e) {
      return false;
    }
  }

  /**
   * Straight from BoringSSL: Netty's session would build an SNIHostName, whose constructor runs the
   * name through IDN.toASCII (a tenth of a resumed handshake's CPU) and which the engine then keeps
   * for as long as the connection lives.
   */
  /**
   * BoringSSL holds a TLS 1.3 server's NewSessionTickets until its first {@code SSL_write}, and
   * Netty's engine never makes one for a wrap of nothing: a zero-byte write queues them in the
   * engine's BIO, which the next wrap drains whatever it is given. A client that handshakes and
   * closes then gets tickets too. What the BIO cannot take waits in BoringSSL for the next write.
   */
  @Override
  public ProviderEngines.HeldTickets releaseHeldTickets(SSLEngine engine) {
    if (engine instanceof ReferenceCountedOpenSslEngine openSsl) {
      synchronized (openSsl) {
        long ssl = openSsl.sslPointer();
        if (ssl != 0) {
          if (SSL.writeToSSL(ssl, Nothing.ADDRESS, 0) >= 0) {
            return ProviderEngines.HeldTickets.QUEUED;
          }
          SSL.clearError(); // WANT_WRITE: the BIO is full; the rest after the next wrap drains it
          return ProviderEngines.HeldTickets.PARTLY;
        }
      }
    }
    return ProviderEngines.HeldTickets.NONE;
  }

  @Override
  public String requestedServerName(SSLEngine engine) {
    if (engine instanceof ReferenceCountedOpenSslEngine openSsl) {
      synchronized (openSsl) {
        long ssl = openSsl.sslPointer();
        return ssl == 0 ? null : SSL.getSniHostname(ssl);
      }
    }
    return EngineFactory.super.requestedServerName(engine);
  }

  /**
   * Netty keeps isSessionReused() package-private; it is the only reliable resumption signal. In a
   * holder so the engine class is only looked up after OpenSsl has loaded the native library.
   */
  private static final class Nothing {
    // where a zero-byte write points: tcnative wants a real address even for no bytes
    static final ByteBuffer BUFFER = ByteBuffer.allocateDirect(1);
    static final long ADDRESS = io.netty.internal.tcnative.Buffer.address(BUFFER);
  }

  private static final class SessionReused {
    static final MethodHandle HANDLE = sessionReusedHandle();
  }

  private static MethodHandle sessionReusedHandle() {
    try {
      Class<?> type =
          Class.forName(
              "io.netty.handler.ssl.ReferenceCountedOpenSslEngine",
              false,
              OpenSslEngineFactory.class.getClassLoader());
      Method method = type.getDeclaredMethod("isSessionReused");
      method.setAccessible(true);
      return MethodHandles.lookup().unreflect(method);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return MethodHandles.dropArguments(
          MethodHandles.constant(boolean.class, false), 0, SSLEngine.class);
    }
  }
}
