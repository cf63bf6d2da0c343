package io.niotls.bench.engine;

import io.niotls.bench.support.IdleSessionBench;
import io.niotls.bench.support.Subject;

/** Memory per idle established session: a bare server SSLEngine, without any buffer (the floor). */
public class RawSslEngineIdleSessionBenchmark extends IdleSessionBench {
  @Override
  protected Subject subject() {
    return Subject.RAW_SSL_ENGINE;
  }
}
