package io.niotls.bench.netty;

import io.niotls.bench.support.RecordBench;
import io.niotls.bench.support.Subject;

/**
 * Record throughput of niotls's TlsHandler pair: write and flush, one read delivers the records.
 */
public class TlsHandlerRecordBenchmark extends RecordBench {
  @Override
  protected Subject subject() {
    return Subject.TLS_HANDLER;
  }
}
