package io.niotls.bench.support;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import io.niotls.certs.GeneratedCertificate;
import io.niotls.context.Provider;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * Everything one {@link Spec} needs, made once at setup: a CA and a server certificate, niotls
 * contexts for both roles, and Netty {@link SslContext}s with the same provider, protocol, suites,
 * certificate, trust anchor and host name verification, so that every {@link Subject} does the same
 * TLS and a ratio compares only the code that drives it.
 *
 * <p>Resumption is matched too. With it off, niotls's client engines get no port (the JDK's session
 * cache keeps nothing for port -1) and BoringSSL's client cache is switched off; Netty's client
 * handlers are made the same way. Each {@link Duplex} says whether its handshake resumed, and the
 * benchmarks check it on every operation.
 *
 * <p>Not thread-safe: one benchmark thread uses it.
 */
public final class Fixture implements AutoCloseable {
  private final Spec spec;
  private final ContextPair niotls;
  private final ContextPair sslEngines; // the raw SSLEngine loop's: niotls's, or OPENSSL's twin
  private final SslContext nettyClient;
  private final SslContext nettyServer;
  private final CountingTrustManager nettyTrust;
  private Scratch scratch;
  private Payload firstResponse;

  private Fixture(Spec spec) {
    this.spec = spec;
    GeneratedCertificate[] certs = ContextPair.certificates(spec.key());
    GeneratedCertificate ca = certs[0];
    GeneratedCertificate leaf = certs[1];
    niotls = ContextPair.of(spec, ca, leaf);
    sslEngines =
        spec.sslEngineProvider() == spec.provider()
            ? niotls
            : ContextPair.of(spec.withProvider(spec.sslEngineProvider()), ca, leaf);
    // The suites niotls ended up with (its defaults or the override), for Netty too.
    List<String> suites = niotls.client().cipherSuites();
    SslProvider provider =
        spec.sslEngineProvider() == Provider.OPENSSL ? SslProvider.OPENSSL : SslProvider.JDK;
    nettyTrust = new CountingTrustManager(ca.certificate());
    try {
      nettyServer =
          SslContextBuilder.forServer(leaf.privateKey(), leaf.keyMaterial().chain())
              .sslProvider(provider)
              .protocols(spec.protocol())
              .ciphers(suites)
              .build();
      nettyClient =
          SslContextBuilder.forClient()
              .sslProvider(provider)
              .protocols(spec.protocol())
              .ciphers(suites)
              .trustManager(nettyTrust)
              .endpointIdentificationAlgorithm("HTTPS")
              .build();
    } catch (SSLException e) {
      throw new IllegalStateException("Netty refused the benchmark's settings: " + e, e);
    }
    if (!spec.resumption() && nettyClient.sessionContext() instanceof OpenSslSessionContext c) {
      c.setSessionCacheEnabled(false);
    }
  }

  public static Fixture of(Spec spec) {
    return new Fixture(spec);
  }

  public Spec spec() {
    return spec;
  }

  public ContextPair niotls() {
    return niotls;
  }

  /**
   * The contexts whose SSLEngines the raw SSLEngine loop drives: {@link #niotls()}, or for
   * BORINGSSL the same configuration on Netty's OpenSSL engine.
   */
  public ContextPair sslEngines() {
    return sslEngines;
  }

  /** A new pair of {@code subject}'s kind, not yet handshaken. */
  public Duplex open(Subject subject) {
    return subject.open(this);
  }

  /**
   * A connection as the handshake benchmarks measure it: both handshakes and, with resumption on,
   * the server's first response (64 bytes) read by the client. BoringSSL's TLS 1.3 server sends its
   * session tickets with its first application data, so without that response no client could
   * resume; every subject does the same.
   *
   * @return whether the handshake resumed a session
   */
  public boolean connect(Duplex pair) {
    pair.handshake();
    if (spec.resumption()) {
      if (firstResponse == null) {
        firstResponse = new Payload(64, direct());
      }
      Checks.sameSize(pair.reply(firstResponse), firstResponse.size());
    }
    return pair.resumed();
  }

  /** Buffers the pairs of this (single-threaded) fixture share. */
  Scratch scratch() {
    if (scratch == null) {
      scratch = new Scratch(niotls, sslEngines);
    }
    return scratch;
  }

  /** Whether payloads should be direct buffers: what the provider's engine is fastest with. */
  public boolean direct() {
    return niotls.client().bufferPool().isDirect();
  }

  /** Netty's client handler, verifying {@link ContextPair#HOST} and sending it as SNI. */
  SslHandler nettyClientHandler(ByteBufAllocator alloc) {
    int port = spec.resumption() ? ContextPair.PORT : -1;
    return nettyClient.newHandler(alloc, ContextPair.HOST, port);
  }

  SslHandler nettyServerHandler(ByteBufAllocator alloc) {
    return nettyServer.newHandler(alloc);
  }

  /** Server chains Netty's clients have checked so far: their full handshakes. */
  long nettyFullHandshakes() {
    return nettyTrust.serverChecks();
  }

  @Override
  public void close() {
    niotls.client().close();
    niotls.server().close();
    if (sslEngines != niotls) {
      sslEngines.client().close();
      sslEngines.server().close();
    }
    ReferenceCountUtil.release(nettyClient);
    ReferenceCountUtil.release(nettyServer);
  }
}
