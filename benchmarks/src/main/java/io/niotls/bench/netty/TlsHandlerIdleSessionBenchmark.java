package io.niotls.bench.netty;

import io.niotls.bench.support.IdleSessionBench;
import io.niotls.bench.support.Subject;

/** Memory per idle established session: a server TlsHandler in its pipeline, channel excluded. */
public class TlsHandlerIdleSessionBenchmark extends IdleSessionBench {
  @Override
  protected Subject subject() {
    return Subject.TLS_HANDLER;
  }
}
