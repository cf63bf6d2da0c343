package io.niotls.bench.loop;

/**
 * Memory per idle established session of a Netty server with {@code SslHandler}: see {@link
 * LoopIdleSessionBench}.
 */
public class NettyServerIdleSessionBenchmark extends LoopIdleSessionBench {
  @Override
  protected String server() {
    return "netty";
  }
}
