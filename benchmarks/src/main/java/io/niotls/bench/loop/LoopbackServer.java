package io.niotls.bench.loop;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * A TLS server on the loopback interface that the benchmarks load with one and the same client:
 * niotls's {@code TlsServer}, a Netty server with {@code SslHandler}, or an {@code openssl
 * s_server} process. Every server answers data with the same data (echo) and, when the client sends
 * close_notify, answers with its own and closes.
 */
public interface LoopbackServer extends AutoCloseable {
  /** Short name used in reports: {@code niotls}, {@code netty}, {@code openssl}. */
  String name();

  /**
   * The subject in benchmark names and counters: {@code TlsServer}, {@code NettyServer}, {@code
   * OpensslServer}.
   */
  String subject();

  InetSocketAddress address();

  /** Every address listened on (several for capacity runs); the first is {@link #address()}. */
  default List<InetSocketAddress> addresses() {
    return List.of(address());
  }

  /** Connections the server holds now (handshaking or established), or -1 if it cannot tell. */
  default int sessions() {
    return -1;
  }

  /**
   * CPU time, in nanoseconds, that the server's own threads (or process) have used so far. Only
   * differences between two calls mean anything.
   */
  long cpuNanos();

  /** Stops the server and releases its threads, sockets (or process). */
  @Override
  void close();
}
