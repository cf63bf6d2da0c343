package io.niotls.channel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/** Random payloads, their digests, and a writer thread that sends one over a channel. */
final class Payloads {
  private Payloads() {}

  static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  static byte[] sha256(byte[] bytes) {
    return digest().digest(bytes);
  }

  static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** Writes {@code payload} in pieces of up to 50,000 bytes on a new thread. */
  static CompletableFuture<Void> writeOnThread(TlsChannel channel, byte[] payload) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread writer =
        new Thread(
            () -> {
              try {
                for (int at = 0; at < payload.length; at += 50_000) {
                  ByteBuffer piece =
                      ByteBuffer.wrap(payload, at, Math.min(50_000, payload.length - at));
                  while (piece.hasRemaining()) {
                    channel.write(piece);
                  }
                }
                done.complete(null);
              } catch (Throwable t) {
                done.completeExceptionally(t);
              }
            },
            "payload-writer");
    writer.setDaemon(true);
    writer.start();
    return done;
  }

  /** Reads exactly {@code size} bytes (blocking) and returns their SHA-256. */
  static byte[] readDigest(TlsChannel channel, long size) throws IOException {
    MessageDigest digest = digest();
    ByteBuffer buffer = ByteBuffer.allocate(20_000);
    long read = 0;
    while (read < size) {
      buffer.clear().limit((int) Math.min(buffer.capacity(), size - read));
      int n = channel.read(buffer);
      if (n < 0) {
        throw new AssertionError("the stream ended after " + read + " of " + size + " bytes");
      }
      digest.update(buffer.flip());
      read += n;
    }
    return digest.digest();
  }
}
