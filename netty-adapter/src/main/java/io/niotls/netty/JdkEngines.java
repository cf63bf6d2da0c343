package io.niotls.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.niotls.context.ProviderEngines;
import io.niotls.context.TlsContext;
import java.security.Provider;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The JDK provider's engines for Netty's own {@code SslHandler}: the {@link TlsContext}'s engines,
 * wrapped by Netty's {@link JdkSslContext} so that {@code SslHandler.applicationProtocol()} reads
 * their ALPN protocol (Netty asks only engines of its own wrapping; gRPC needs the answer).
 * BoringSSL engines (OPENSSL's, and those a BORINGSSL context makes for an SSLEngine) need no
 * wrapping: they are Netty's already.
 */
final class JdkEngines {
  private final JdkSslContext netty;

  JdkEngines(TlsContext context) {
    SSLContext engines = new ContextEngines(context);
    netty =
        new JdkSslContext(
            engines,
            context.isClient(),
            context.cipherSuites(),
            IdentityCipherSuiteFilter.INSTANCE,
            alpn(context),
            switch (context.clientAuth()) {
              case REQUIRE -> ClientAuth.REQUIRE;
              case OPTIONAL -> ClientAuth.OPTIONAL;
              default -> ClientAuth.NONE;
            },
            context.protocols().toArray(new String[0]),
            false);
  }

  private static ApplicationProtocolConfig alpn(TlsContext context) {
    if (context.alpn().isEmpty()) {
      return ApplicationProtocolConfig.DISABLED;
    }
    return new ApplicationProtocolConfig(
        ApplicationProtocolConfig.Protocol.ALPN,
        context.requireAlpn()
            ? ApplicationProtocolConfig.SelectorFailureBehavior.FATAL_ALERT
            : ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
        context.alpn());
  }

  SSLEngine newEngine(ByteBufAllocator alloc, String host, int port) {
    return host == null ? netty.newEngine(alloc) : netty.newEngine(alloc, host, port);
  }

  /** An SSLContext whose engines are the TlsContext's, configured as it configures them. */
  private static final class ContextEngines extends SSLContext {
    ContextEngines(TlsContext context) {
      super(
          new Spi(context),
          new Provider("niotls", "1.0", "a niotls TlsContext's engines") {},
          "TLS");
    }
  }

  private static final class Spi extends SSLContextSpi {
    private final TlsContext context;

    Spi(TlsContext context) {
      this.context = context;
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random) {
      throw new UnsupportedOperationException("configured by its TlsContext");
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      return ProviderEngines.newEngine(context, null, -1);
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      return ProviderEngines.newEngine(
          context, context.isClient() ? host : null, context.isClient() ? port : -1);
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      throw new UnsupportedOperationException("niotls makes engines, not sockets");
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      throw new UnsupportedOperationException("niotls makes engines, not sockets");
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return null;
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return null;
    }
  }
}
