/**
 * niotls core: the TLS engine with {@code SSL_connect}'s contract, its transports and contexts, and
 * its homes outside Netty (the selector loop and {@code TlsChannel}).
 *
 * <p>Every package is API and exported; what is not API is package-private inside its package.
 * Netty and netty-tcnative are needed only for the OpenSSL provider: a JDK-only application leaves
 * them out.
 */
module io.niotls.core {
  requires org.jctools.core;
  // HdrHistogram's jar names no module: its name comes from the jar's, HdrHistogram-<version>.jar
  requires HdrHistogram;
  requires org.bouncycastle.pkix;
  requires org.bouncycastle.provider;
  requires org.bouncycastle.util;
  requires static io.netty.buffer;
  requires static io.netty.common;
  requires static io.netty.handler;
  requires static io.netty.tcnative.classes.openssl;

  exports io.niotls.buffer;
  exports io.niotls.certs;
  exports io.niotls.channel;
  exports io.niotls.context;
  exports io.niotls.datagram;
  exports io.niotls.engine;
  exports io.niotls.loop;
  exports io.niotls.transport;
  exports io.niotls.uri;
  exports io.niotls.wire;
}
