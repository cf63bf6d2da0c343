package io.niotls.bench.engine;

import io.niotls.engine.TlsEngine;
import java.nio.ByteBuffer;
import java.util.Random;
import javax.net.ssl.SSLEngineResult;

/** Payloads and the checks that stop a record benchmark from measuring a failure. */
final class RecordChecks {
  private RecordChecks() {}

  /** {@code size} random bytes from a fixed seed. */
  static ByteBuffer payload(int size, boolean direct) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    ByteBuffer buffer = direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
    return buffer.put(bytes).flip();
  }

  /** {@code n} when positive; a status code means the benchmark's pump is wrong. */
  static int progress(int n, TlsEngine engine) {
    if (n <= 0) {
      throw new IllegalStateException(
          engine + " returned " + n + " in a benchmark that never blocks: " + engine.failure());
    }
    return n;
  }

  static SSLEngineResult ok(SSLEngineResult result) {
    if (result.getStatus() != SSLEngineResult.Status.OK) {
      throw new IllegalStateException("raw engine: " + result);
    }
    return result;
  }

  static void sameSize(int received, int sent) {
    if (received != sent) {
      throw new IllegalStateException("sent " + sent + " bytes, received " + received);
    }
  }
}
