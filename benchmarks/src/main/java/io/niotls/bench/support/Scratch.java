package io.niotls.bench.support;

import java.nio.ByteBuffer;

/**
 * Buffers that pairs of one thread reuse instead of allocating per connection: what an event loop
 * would own once, not what a connection costs. Confined to one thread.
 */
public final class Scratch {
  /** Carry ciphertext between two memory transports, one per direction. */
  final MemoryLink clientToServer;

  final MemoryLink serverToClient;

  /** Receives plaintext: at least one record's worth, so engines decrypt straight into it. */
  final ByteBuffer plaintext;

  final RawEnginePair.Buffers raw;

  /**
   * @param contexts niotls's, for its pairs' buffers
   * @param sslEngines the raw SSLEngine loop's (niotls's, or OPENSSL's twin of a BORINGSSL pair)
   */
  Scratch(ContextPair contexts, ContextPair sslEngines) {
    boolean direct = contexts.client().bufferPool().isDirect();
    int size = contexts.client().bufferPool().bufferSize();
    plaintext = direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
    clientToServer = new MemoryLink(64 * 1024, direct);
    serverToClient = new MemoryLink(64 * 1024, direct);
    raw = new RawEnginePair.Buffers(sslEngines);
  }
}
