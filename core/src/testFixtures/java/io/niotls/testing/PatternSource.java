package io.niotls.testing;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * A long stream of pseudo-random bytes from a seed, produced a buffer at a time, so tests can move
 * many megabytes without holding them; both ends compare checksums instead of bytes. Not
 * thread-safe.
 */
public final class PatternSource {
  private final SplittableRandom random;
  private long remaining;

  public PatternSource(long seed, long length) {
    this.random = new SplittableRandom(seed);
    this.remaining = length;
  }

  /** {@code length} bytes of the stream for {@code seed}, in an array. */
  public static byte[] bytes(int length, long seed) {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    new PatternSource(seed, length).fill(buffer);
    return buffer.array();
  }

  /** Puts the next bytes into {@code dst}, up to its remaining space or the end of the stream. */
  public void fill(ByteBuffer dst) {
    while (remaining >= Long.BYTES && dst.remaining() >= Long.BYTES) {
      dst.putLong(random.nextLong());
      remaining -= Long.BYTES;
    }
    while (remaining > 0 && dst.hasRemaining()) {
      dst.put((byte) random.nextInt());
      remaining--;
    }
  }

  /** Bytes not yet produced. */
  public long remaining() {
    return remaining;
  }
}
