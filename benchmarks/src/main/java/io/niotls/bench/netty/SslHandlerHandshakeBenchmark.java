package io.niotls.bench.netty;

import io.niotls.bench.support.HandshakeBench;
import io.niotls.bench.support.Subject;

/** The peer of {@link TlsHandlerHandshakeBenchmark}: Netty's SslHandler, same provider and TLS. */
public class SslHandlerHandshakeBenchmark extends HandshakeBench {
  @Override
  protected Subject subject() {
    return Subject.SSL_HANDLER;
  }
}
