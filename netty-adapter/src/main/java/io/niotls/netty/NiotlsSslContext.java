package io.niotls.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolNegotiator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCounted;
import io.niotls.context.ProviderEngines;
import io.niotls.context.TlsContext;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSessionContext;

/**
 * A Netty {@link SslContext} made from a niotls {@link TlsContext}, for frameworks that take one
 * ({@code HttpServer.secure(spec -> spec.sslContext(ctx))} in Reactor Netty, {@code
 * NettyServerBuilder.sslContext(ctx)} in gRPC): every {@code newHandler(...)} returns a niotls
 * {@link TlsHandler}, and {@code newEngine(...)} an engine configured as the context says, for code
 * that builds its own {@code SslHandler} (gRPC does).
 *
 * <pre>{@code
 * SslContext ssl = NiotlsSslContext.of(TlsContext.forServer(keys).alpn("h2", "http/1.1").build());
 * HttpServer.create().protocol(HttpProtocol.H2, HttpProtocol.HTTP11).secure(s -> s.sslContext(ssl));
 * }</pre>
 *
 * <p>The delegated-task {@link Executor} of the {@code newHandler} variants is not used: the
 * context's {@code delegatedTasks()} decides where the provider's tasks run. Engines from {@code
 * newEngine} run under Netty's {@code SslHandler}, without niotls's record guards. They are the
 * context's {@link ProviderEngines SSLEngines}: SunJSSE's for the JDK provider, Netty's BoringSSL
 * engine for OPENSSL and for BORINGSSL (which drives BoringSSL without an SSLEngine, so such
 * engines have the context's settings but a session cache of their own).
 */
public final class NiotlsSslContext extends SslContext {
  private final TlsContext context;
  private final boolean startTls;
  private final ApplicationProtocolNegotiator negotiator;
  private final Consumer<TlsHandler> setup; // applied to every handler made
  private volatile JdkEngines jdkEngines; // once the context's engines are found not Netty's
  private volatile SSLSessionContext learned; // SunJSSE's, from the first finished handshake

  private NiotlsSslContext(TlsContext context, boolean startTls, Consumer<TlsHandler> setup) {
    super(startTls);
    this.context = Objects.requireNonNull(context, "context");
    this.startTls = startTls;
    this.setup = setup;
    List<String> protocols = context.alpn();
    this.negotiator = negotiator(protocols);
  }

  @SuppressWarnings("deprecation") // SslContext's API still speaks it
  private static ApplicationProtocolNegotiator negotiator(List<String> protocols) {
    return () -> protocols;
  }

  /** An {@code SslContext} whose handlers and engines are the context's. */
  public static NiotlsSslContext of(TlsContext context) {
    return new NiotlsSslContext(context, false, h -> {});
  }

  /**
   * The same in STARTTLS mode: each handler sends what is written before its first flush as
   * plaintext (see {@link TlsHandler#startTls()}).
   */
  public static NiotlsSslContext startTls(TlsContext context) {
    return new NiotlsSslContext(context, true, h -> {});
  }

  /**
   * The same, with {@code setup} applied to every handler it makes from now on, after what was set
   * before: for settings of the handler itself that a framework taking an {@code SslContext} gives
   * no way to reach, such as {@code eachHandler(h -> h.idleTimeout(Duration.ofMinutes(5)))}.
   */
  public NiotlsSslContext eachHandler(Consumer<TlsHandler> setup) {
    Objects.requireNonNull(setup, "setup");
    return new NiotlsSslContext(context, startTls, this.setup.andThen(setup));
  }

  /** The niotls context behind it. */
  public TlsContext tlsContext() {
    return context;
  }

  @Override
  public boolean isClient() {
    return context.isClient();
  }

  @Override
  public List<String> cipherSuites() {
    return context.cipherSuites();
  }

  /** The context's ALPN protocols, in its order of preference (empty: no ALPN). */
  @SuppressWarnings("deprecation")
  @Override
  public ApplicationProtocolNegotiator applicationProtocolNegotiator() {
    return negotiator;
  }

  /** An engine as the context makes it: a server's, or a client's without a peer. */
  @Override
  public SSLEngine newEngine(ByteBufAllocator alloc) {
    return engine(alloc, null, -1);
  }

  /** An engine for a client of {@code host} (SNI, host name check, resumption key). */
  @Override
  public SSLEngine newEngine(ByteBufAllocator alloc, String host, int port) {
    return context.isClient() ? engine(alloc, host, port) : engine(alloc, null, -1);
  }

  /**
   * The context's engine as Netty's {@code SslHandler} needs it: Netty's own BoringSSL engine,
   * which is reference counted, as it is (the handler reads its ALPN result and releases it); any
   * other (SunJSSE's) wrapped by Netty, which asks only engines of its own wrapping for the ALPN
   * result. The first engine tells which, for every later one.
   */
  private SSLEngine engine(ByteBufAllocator alloc, String host, int port) {
    JdkEngines wrapping = jdkEngines;
    if (wrapping != null) {
      return wrapping.newEngine(alloc, host, port);
    }
    SSLEngine engine = ProviderEngines.newEngine(context, host, port);
    if (engine instanceof ReferenceCounted) {
      return engine;
    }
    ProviderEngines.release(context, engine);
    wrapping = new JdkEngines(context);
    jdkEngines = wrapping;
    return wrapping.newEngine(alloc, host, port);
  }

  /**
   * The session cache of the context's SSLEngines. Netty's BoringSSL engine's is known from the
   * start (for BORINGSSL, that of the engines {@code newEngine} makes: its handlers' sessions are
   * kept by BoringSSL in the TlsContext); SunJSSE's once a handler of this context has finished a
   * handshake (niotls's {@code TlsContext} does not hand it out).
   *
   * @throws IllegalStateException for the JDK provider before any handshake
   */
  @Override
  public SSLSessionContext sessionContext() {
    SSLSessionContext known = learned;
    if (known != null) {
      return known;
    }
    SSLEngine probe = ProviderEngines.newEngine(context, null, -1);
    try {
      known = probe.getSession().getSessionContext();
    } finally {
      ProviderEngines.release(context, probe);
    }
    if (known == null) {
      throw new IllegalStateException(
          "the JDK provider's session context is known once a handler of this NiotlsSslContext"
              + " has finished a handshake");
    }
    learned = known;
    return known;
  }

  @Override
  protected SslHandler newHandler(ByteBufAllocator alloc, boolean startTls) {
    return handler(null, -1, startTls);
  }

  @Override
  protected SslHandler newHandler(ByteBufAllocator alloc, boolean startTls, Executor executor) {
    return handler(null, -1, startTls);
  }

  @Override
  protected SslHandler newHandler(ByteBufAllocator alloc, String host, int port, boolean startTls) {
    return handler(host, port, startTls);
  }

  @Override
  protected SslHandler newHandler(
      ByteBufAllocator alloc, String host, int port, boolean startTls, Executor executor) {
    return handler(host, port, startTls);
  }

  private TlsHandler handler(String host, int port, boolean startTls) {
    TlsHandler handler;
    if (context.isClient()) {
      if (host == null && context.serverNameFor(null) == null && context.hostnameVerification()) {
        throw new IllegalArgumentException(
            "a client handler needs the server's host name to verify its certificate: call"
                + " newHandler(alloc, host, port), or set serverName(...) on the TlsContext");
      }
      handler = TlsHandler.clientOf(context, host, port);
    } else {
      handler = TlsHandler.server(context);
    }
    if (startTls || this.startTls) {
      handler.startTls();
    }
    setup.accept(handler);
    if (learned == null) {
      handler
          .handshakeFuture()
          .addListener(
              f -> {
                if (f.isSuccess() && learned == null) {
                  learned = handler.engine().getSession().getSessionContext();
                }
              });
    }
    return handler;
  }
}
