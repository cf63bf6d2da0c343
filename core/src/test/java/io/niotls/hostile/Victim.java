package io.niotls.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.context.TlsContextBuilder;
import io.niotls.engine.Status;
import io.niotls.engine.TlsEngine;
import io.niotls.testing.Contexts;
import io.niotls.transport.MemoryTransport;
import java.nio.ByteBuffer;

/**
 * The engine under attack: one niotls {@link TlsEngine} over a {@link MemoryTransport} that the
 * test feeds hand-built bytes. Remembers how many pooled buffers its context had out before the
 * engine existed, so {@link #close()} can prove the engine gave every buffer back.
 */
final class Victim implements AutoCloseable {
  final TlsContext context;
  final MemoryTransport transport;
  final TlsEngine engine;
  final long baseline;

  private Victim(TlsContext context, MemoryTransport transport) {
    this.context = context;
    this.transport = transport;
    this.baseline = context.bufferPool().outstanding();
    this.engine =
        context.isClient()
            ? TlsEngine.client(context, transport, "localhost", 443)
            : TlsEngine.server(context, transport);
  }

  /** A server with niotls's defaults (TLS 1.3 and 1.2) or only {@code protocols}. */
  static Victim server(Provider provider, String... protocols) {
    return of(context(Contexts.server(provider, KeyType.EC_P256), protocols));
  }

  /** A client of "localhost" with niotls's defaults or only {@code protocols}. */
  static Victim client(Provider provider, String... protocols) {
    return of(context(Contexts.client(provider, KeyType.EC_P256), protocols));
  }

  /** An engine of {@code context}'s role whose transport takes any amount of output. */
  static Victim of(TlsContext context) {
    return new Victim(context, new MemoryTransport());
  }

  /** An engine whose peer reads at most {@code outboundLimit} bytes, then nothing more. */
  static Victim of(TlsContext context, int outboundLimit) {
    return new Victim(context, new MemoryTransport(outboundLimit));
  }

  /**
   * A context a {@link ForgingPeer} can attack: AES-128-GCM only (the suite it forges records
   * with), one protocol version.
   */
  static TlsContext forgeable(Provider provider, String protocol, boolean client) {
    TlsContextBuilder builder =
        client
            ? Contexts.client(provider, KeyType.EC_P256)
            : Contexts.server(provider, KeyType.EC_P256);
    return builder
        .protocols(protocol)
        .cipherSuites("TLS_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")
        .build();
  }

  private static TlsContext context(TlsContextBuilder builder, String... protocols) {
    return protocols.length == 0 ? builder.build() : builder.protocols(protocols).build();
  }

  boolean isClient() {
    return engine.isClient();
  }

  void feed(byte[] bytes) {
    transport.feed(bytes);
  }

  Status handshake() {
    return engine.handshake();
  }

  /** One read call into a fresh buffer; the status it reported (OK when it read bytes). */
  Status read() {
    int n = engine.read(ByteBuffer.allocate(64 * 1024));
    return n >= 0 ? Status.OK : Status.ofCode(n);
  }

  /** Everything the engine wrote and nobody drained yet. */
  byte[] output() {
    return transport.drainAll();
  }

  /** Buffers this engine holds from the pool now. */
  long outstanding() {
    return context.bufferPool().outstanding() - baseline;
  }

  /** The failure's message, or a note that there is none (for assertion messages). */
  String why() {
    return engine.failure() == null ? "no failure" : engine.failure().getMessage();
  }

  /** Closes the engine and checks that the pool got every buffer back. */
  @Override
  public void close() {
    engine.close();
    assertThat(context.bufferPool().outstanding())
        .as("pooled buffers outstanding after close()")
        .isEqualTo(baseline);
  }
}
