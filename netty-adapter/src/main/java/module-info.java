/**
 * niotls in a Netty pipeline: {@code TlsHandler}, an {@code SslHandler} that niotls's engine
 * drives, {@code NiotlsSslContext} for frameworks that take an {@code SslContext}, and {@code
 * SniTlsHandler}. One package, all of it API; its machinery is package-private.
 */
module io.niotls.netty {
  requires transitive io.niotls.core;
  requires transitive io.netty.handler;
  requires transitive io.netty.transport;
  requires transitive io.netty.buffer;
  requires io.netty.codec;
  requires io.netty.common;

  exports io.niotls.netty;
}
