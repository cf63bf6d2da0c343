package io.niotls.bench.engine;

import io.niotls.bench.support.IdleSessionBench;
import io.niotls.bench.support.Subject;

/** Memory per idle established session: a server TlsEngine with its MemoryTransport. */
public class TlsEngineIdleSessionBenchmark extends IdleSessionBench {
  @Override
  protected Subject subject() {
    return Subject.TLS_ENGINE;
  }
}
