package io.niotls.testing;

import io.niotls.transport.Transport;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A transport that hands the engine at most one {@link Chunks chunk} per read and takes at most one
 * per write, over any other transport: a socket that delivers records split at arbitrary bytes.
 * Reads and writes draw from separate sequences so the split points do not depend on how the two
 * directions interleave.
 */
public final class ChunkingTransport implements Transport {
  private final Transport inner;
  private final Chunks readChunks;
  private final Chunks writeChunks;

  public ChunkingTransport(Transport inner, Chunks chunks) {
    this.inner = inner;
    this.readChunks = chunks.restart();
    this.writeChunks = Chunks.upTo(chunks.max(), ~chunks.seed());
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    int limit = dst.limit();
    dst.limit(Math.min(limit, dst.position() + readChunks.next()));
    try {
      return inner.read(dst);
    } finally {
      dst.limit(limit);
    }
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    int limit = src.limit();
    src.limit(Math.min(limit, src.position() + writeChunks.next()));
    try {
      return inner.write(src);
    } finally {
      src.limit(limit);
    }
  }

  @Override
  public void shutdownOutput() throws IOException {
    inner.shutdownOutput();
  }

  @Override
  public boolean isOpen() {
    return inner.isOpen();
  }

  @Override
  public void close() throws IOException {
    inner.close();
  }

  @Override
  public String toString() {
    return "ChunkingTransport[" + readChunks + " over " + inner + "]";
  }
}
