package io.niotls.bench.netty;

import io.niotls.bench.support.IdleSessionBench;
import io.niotls.bench.support.Subject;

/** Memory per idle established session: Netty's server SslHandler, channel excluded. */
public class SslHandlerIdleSessionBenchmark extends IdleSessionBench {
  @Override
  protected Subject subject() {
    return Subject.SSL_HANDLER;
  }
}
