package io.niotls.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.engine.Status;
import io.niotls.engine.TlsEngine;
import io.niotls.testing.Contexts;
import io.niotls.transport.MemoryTransport;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * A server {@link TlsEngine} fed any bytes, in any chunk sizes, optionally followed by the end of
 * the stream: every call ends in WANT_READ, SSL or SYSCALL (a handshake cannot complete without the
 * client's keys), never in an unchecked exception or a call that does not return, and after {@code
 * close()} the pool has every buffer back.
 *
 * <p>Input layout: byte 0 picks the provider (bit 2: BORINGSSL, driven directly; else bit 0: JDK or
 * OPENSSL) and whether the stream ends (bit 1); byte 1 is the chunk size (1 to 256); the rest is
 * what the peer sends.
 */
class EngineFuzzTest {
  /** More calls than any input can need: each call consumes at least one chunk or fails. */
  private static final int MAX_CALLS = 100_000;

  private static final Map<Provider, TlsContext> SERVERS = new EnumMap<>(Provider.class);

  static synchronized TlsContext server(Provider provider) {
    return SERVERS.computeIfAbsent(provider, p -> Contexts.server(p, KeyType.EC_P256).build());
  }

  @FuzzTest
  void aServerFedAnyBytesWantsMoreOrFails(byte[] input) {
    if (input.length < 2) {
      return;
    }
    Provider provider =
        (input[0] & 4) != 0
            ? Provider.BORINGSSL
            : (input[0] & 1) == 0 ? Provider.JDK : Provider.OPENSSL;
    boolean eof = (input[0] & 2) != 0;
    int chunk = 1 + (input[1] & 0xff);
    byte[] stream = Arrays.copyOfRange(input, 2, input.length);
    feed(server(provider), stream, chunk, eof);
  }

  /** The property itself, also driven by {@code MutatedClientHelloTest} without Jazzer. */
  static void feed(TlsContext context, byte[] stream, int chunk, boolean eof) {
    long baseline = context.bufferPool().outstanding();
    MemoryTransport transport = new MemoryTransport();
    TlsEngine engine = TlsEngine.server(context, transport);
    try {
      Status status = Status.WANT_READ;
      int fed = 0;
      boolean ended = false;
      for (int call = 0; call < MAX_CALLS && !status.isFatal(); call++) {
        if (fed < stream.length) {
          int n = Math.min(chunk, stream.length - fed);
          transport.feed(ByteBuffer.wrap(stream, fed, n));
          fed += n;
        } else if (eof && !ended) {
          transport.feedEof();
          ended = true;
        } else {
          break;
        }
        status = engine.handshake();
        assertThat(status)
            .as("after %d of %d bytes: %s", fed, stream.length, engine.failure())
            .isIn(Status.WANT_READ, Status.SSL, Status.SYSCALL);
        if (status == Status.WANT_READ) {
          assertThat(transport.pendingInbound()).as("WANT_READ with input unread").isZero();
        }
        transport.drainAll();
      }
      if (ended) {
        assertThat(status).as("after the end of the stream").isIn(Status.SSL, Status.SYSCALL);
      }
      if (status.isFatal()) {
        assertThat(engine.failure()).isNotNull();
        assertThat(engine.failure().getMessage()).isNotBlank();
        assertThat(engine.holdsBuffers()).isFalse();
      }
    } finally {
      engine.close();
    }
    assertThat(context.bufferPool().outstanding()).isEqualTo(baseline);
  }
}
