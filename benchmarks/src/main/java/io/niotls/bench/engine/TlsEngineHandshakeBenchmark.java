package io.niotls.bench.engine;

import io.niotls.bench.support.HandshakeBench;
import io.niotls.bench.support.Subject;

/** Full or resumed handshakes per second through niotls's TlsEngine over MemoryTransport. */
public class TlsEngineHandshakeBenchmark extends HandshakeBench {
  @Override
  protected Subject subject() {
    return Subject.TLS_ENGINE;
  }
}
