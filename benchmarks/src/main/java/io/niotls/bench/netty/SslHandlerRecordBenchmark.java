package io.niotls.bench.netty;

import io.niotls.bench.support.RecordBench;
import io.niotls.bench.support.Subject;

/** The peer of {@link TlsHandlerRecordBenchmark}: Netty's SslHandler, same provider and cipher. */
public class SslHandlerRecordBenchmark extends RecordBench {
  @Override
  protected Subject subject() {
    return Subject.SSL_HANDLER;
  }
}
