package io.niotls.bench.engine;

import io.niotls.bench.support.RecordBench;
import io.niotls.bench.support.Subject;

/** Record throughput through an established TlsEngine pair over MemoryTransport. */
public class TlsEngineRecordBenchmark extends RecordBench {
  @Override
  protected Subject subject() {
    return Subject.TLS_ENGINE;
  }
}
