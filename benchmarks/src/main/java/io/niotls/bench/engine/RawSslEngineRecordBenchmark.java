package io.niotls.bench.engine;

import io.niotls.bench.support.RecordBench;
import io.niotls.bench.support.Subject;

/** The baseline for {@link TlsEngineRecordBenchmark}: wrap into one buffer, unwrap all of it. */
public class RawSslEngineRecordBenchmark extends RecordBench {
  @Override
  protected Subject subject() {
    return Subject.RAW_SSL_ENGINE;
  }
}
