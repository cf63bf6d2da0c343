package io.niotls.bench.support;

/**
 * What a benchmark measures, named as in the benchmark classes ({@code <Subject><Aspect>Benchmark})
 * and in the report: niotls's engine and Netty handler, and the two things people would use
 * instead.
 */
public enum Subject {
  /**
   * niotls's {@link io.niotls.engine.TlsEngine} over {@link io.niotls.transport.MemoryTransport}.
   */
  TLS_ENGINE("TlsEngine", true),
  /** Two bare SSLEngines driven by a hand-written wrap/unwrap loop: the floor. */
  RAW_SSL_ENGINE("RawSslEngine", false),
  /** niotls's {@link io.niotls.netty.TlsHandler} in a pair of EmbeddedChannels. */
  TLS_HANDLER("TlsHandler", true),
  /** Netty's own {@code SslHandler} in a pair of EmbeddedChannels. */
  SSL_HANDLER("SslHandler", false);

  private final String label;
  private final boolean niotls;

  Subject(String label, boolean niotls) {
    this.label = label;
    this.niotls = niotls;
  }

  /** The name used in class names, counters and the report. */
  public String label() {
    return label;
  }

  public boolean isNiotls() {
    return niotls;
  }

  Duplex open(Fixture fixture) {
    return switch (this) {
      case TLS_ENGINE -> new EnginePair(fixture);
      case RAW_SSL_ENGINE -> new RawEnginePair(fixture);
      case TLS_HANDLER -> new TlsHandlerPair(fixture);
      case SSL_HANDLER -> new SslHandlerPair(fixture);
    };
  }
}
