package io.niotls.testing;

import java.util.Random;

/**
 * Chunk sizes from 1 to {@code max} bytes, drawn from a {@link Random} with a fixed seed so that a
 * failing run can be repeated exactly: {@link #toString()} names both, and tests print it in their
 * names and failure messages. {@code max} 1 gives one byte at a time; {@link #WHOLE_RECORDS} gives
 * deliveries larger than any TLS record. Not thread-safe.
 */
public final class Chunks {
  /** Larger than any TLS record (5 + 2^14 + 2048 bytes) with room to spare. */
  public static final int WHOLE_RECORDS = 64 * 1024;

  private final int max;
  private final long seed;
  private final Random random;

  private Chunks(int max, long seed) {
    if (max < 1) {
      throw new IllegalArgumentException("chunks hold at least one byte, got max " + max);
    }
    this.max = max;
    this.seed = seed;
    this.random = new Random(seed);
  }

  /** Random sizes from 1 to {@code max}, from {@code seed}. */
  public static Chunks upTo(int max, long seed) {
    return new Chunks(max, seed);
  }

  /** Exactly one byte each time. */
  public static Chunks oneByte() {
    return new Chunks(1, 0);
  }

  /** Deliveries larger than any record: whole records, several at a time. */
  public static Chunks wholeRecords() {
    return new Chunks(WHOLE_RECORDS, 0);
  }

  /** The next chunk size, from 1 to {@link #max()}. */
  public int next() {
    return max == 1 ? 1 : 1 + random.nextInt(max);
  }

  public int max() {
    return max;
  }

  public long seed() {
    return seed;
  }

  /** A fresh sequence with the same max and seed: the same sizes again from the start. */
  public Chunks restart() {
    return new Chunks(max, seed);
  }

  @Override
  public String toString() {
    if (max == 1) {
      return "1-byte chunks";
    }
    if (max >= WHOLE_RECORDS) {
      return "whole-record chunks (seed " + seed + ")";
    }
    return "chunks of 1.." + max + " bytes (seed " + seed + ")";
  }
}
