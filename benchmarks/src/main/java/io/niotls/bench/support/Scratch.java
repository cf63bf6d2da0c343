package io.niotls.bench.support;

import java.nio.ByteBuffer;

/**
 * Buffers that pairs of one thread reuse instead of allocating per connection: what an event loop
 * would own once, not what a connection costs. Confined to one thread.
 */
public final class Scratch {
  /** Carries ciphertext from one memory transport to the other. */
  final ByteBuffer wire = ByteBuffer.allocate(64 * 1024);

  /** Receives plaintext: at least one record's worth, so engines decrypt straight into it. */
  final ByteBuffer plaintext;

  final RawEnginePair.Buffers raw;

  Scratch(ContextPair contexts) {
    boolean direct = contexts.client().bufferPool().isDirect();
    int size = contexts.client().bufferPool().bufferSize();
    plaintext = direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
    raw = new RawEnginePair.Buffers(contexts);
  }
}
