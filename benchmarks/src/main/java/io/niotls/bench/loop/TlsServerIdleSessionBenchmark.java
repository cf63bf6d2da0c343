package io.niotls.bench.loop;

/**
 * Memory per idle established session of niotls's {@code TlsServer}: see {@link
 * LoopIdleSessionBench}.
 */
public class TlsServerIdleSessionBenchmark extends LoopIdleSessionBench {
  @Override
  protected String server() {
    return "niotls";
  }
}
