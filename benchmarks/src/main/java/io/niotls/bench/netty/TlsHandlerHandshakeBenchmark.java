package io.niotls.bench.netty;

import io.niotls.bench.support.HandshakeBench;
import io.niotls.bench.support.Subject;

/** Handshakes per second of niotls's TlsHandler on both ends of a pair of EmbeddedChannels. */
public class TlsHandlerHandshakeBenchmark extends HandshakeBench {
  @Override
  protected Subject subject() {
    return Subject.TLS_HANDLER;
  }
}
