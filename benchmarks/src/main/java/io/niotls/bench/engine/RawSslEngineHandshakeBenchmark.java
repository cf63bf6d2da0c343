package io.niotls.bench.engine;

import io.niotls.bench.support.HandshakeBench;
import io.niotls.bench.support.Subject;

/**
 * The baseline for {@link TlsEngineHandshakeBenchmark}: two bare SSLEngines and a hand-written
 * loop.
 */
public class RawSslEngineHandshakeBenchmark extends HandshakeBench {
  @Override
  protected Subject subject() {
    return Subject.RAW_SSL_ENGINE;
  }
}
