package io.niotls.fuzz;

import java.util.Arrays;
import java.util.Random;

/**
 * Small random edits of a valid input, the kind a fuzzer starts with: a truncation, flipped bytes,
 * inserted junk, a repeated slice. Deterministic for a given {@link Random}.
 */
final class Mutations {
  private Mutations() {}

  static byte[] mutate(byte[] original, Random random) {
    byte[] bytes = original.clone();
    switch (random.nextInt(4)) {
      case 0:
        return Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
      case 1:
        for (int i = 1 + random.nextInt(8); i > 0 && bytes.length > 0; i--) {
          bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
        }
        return bytes;
      case 2:
        {
          int at = random.nextInt(bytes.length + 1);
          byte[] junk = new byte[1 + random.nextInt(64)];
          random.nextBytes(junk);
          byte[] out = new byte[bytes.length + junk.length];
          System.arraycopy(bytes, 0, out, 0, at);
          System.arraycopy(junk, 0, out, at, junk.length);
          System.arraycopy(bytes, at, out, at + junk.length, bytes.length - at);
          return out;
        }
      default:
        {
          int from = random.nextInt(bytes.length + 1);
          int to = from + random.nextInt(bytes.length - from + 1);
          byte[] out = new byte[bytes.length + (to - from)];
          System.arraycopy(bytes, 0, out, 0, to);
          System.arraycopy(bytes, from, out, to, bytes.length - from);
          return out;
        }
    }
  }
}
