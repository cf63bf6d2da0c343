package io.niotls.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.context.TlsContext;
import io.niotls.engine.Status;
import io.niotls.engine.TlsEngine;
import io.niotls.transport.MemoryTransport;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A client and a server engine joined by two {@link MemoryTransport}s and a pump that moves
 * ciphertext between them in chunks of 1 to {@code maxChunk} bytes (random, from a fixed seed), so
 * the same test runs at 1 byte per delivery and at whole records. All work is bounded.
 */
public final class MemoryPair implements AutoCloseable {
  private static final int MAX_STEPS = 5_000_000;

  public final MemoryTransport clientTransport;
  public final MemoryTransport serverTransport;
  public final TlsEngine client;
  public final TlsEngine server;
  public final List<Status> clientTranscript = new ArrayList<>();
  public final List<Status> serverTranscript = new ArrayList<>();
  private final Random random;
  private final int maxChunk;
  private final ByteBuffer chunk;

  public MemoryPair(
      TlsContext clientContext, TlsContext serverContext, int maxChunk, long seed, int outLimit) {
    this.clientTransport = new MemoryTransport(outLimit);
    this.serverTransport = new MemoryTransport(outLimit);
    this.client = TlsEngine.client(clientContext, clientTransport, "localhost", 443);
    this.server = TlsEngine.server(serverContext, serverTransport);
    this.random = new Random(seed);
    this.maxChunk = maxChunk;
    this.chunk = ByteBuffer.allocate(maxChunk);
  }

  public MemoryPair(TlsContext clientContext, TlsContext serverContext, int maxChunk, long seed) {
    this(clientContext, serverContext, maxChunk, seed, Integer.MAX_VALUE);
  }

  public static MemoryPair wholeRecords(TlsContext clientContext, TlsContext serverContext) {
    return new MemoryPair(clientContext, serverContext, 64 * 1024, 1);
  }

  /** Moves one chunk each way; true if any byte moved. */
  public boolean pump() {
    boolean moved = move(clientTransport, serverTransport);
    return move(serverTransport, clientTransport) | moved;
  }

  private boolean move(MemoryTransport from, MemoryTransport to) {
    if (from.pendingOutbound() == 0) {
      return false;
    }
    chunk.clear().limit(1 + random.nextInt(maxChunk));
    from.drain(chunk);
    to.feed(chunk.flip());
    return true;
  }

  /** Drives both handshakes to OK, recording every status; fails the test if either fails. */
  public void handshake() {
    Status c = null;
    Status s = null;
    for (int step = 0; step < MAX_STEPS; step++) {
      if (c != Status.OK) {
        c = record(clientTranscript, client.handshake());
      }
      if (s != Status.OK) {
        s = record(serverTranscript, server.handshake());
      }
      if (c == Status.OK && s == Status.OK && !pump()) {
        return;
      }
      if (c.isFatal() || s.isFatal()) {
        throw new AssertionError(
            "handshake failed: client "
                + c
                + " "
                + client.failure()
                + ", server "
                + s
                + " "
                + server.failure());
      }
      if (c == Status.WANT_TASK) {
        client.runTasks();
      }
      if (s == Status.WANT_TASK) {
        server.runTasks();
      }
      pump();
    }
    throw new AssertionError("handshake did not finish in " + MAX_STEPS + " steps");
  }

  /**
   * Drives both handshakes until one side reports a fatal status or both finish; returns the
   * client's and server's last statuses.
   */
  public Status[] handshakeUntilFailure() {
    Status c = null;
    Status s = null;
    for (int step = 0; step < MAX_STEPS; step++) {
      if (c == null || !c.isFatal() && c != Status.OK) {
        c = client.handshake();
      }
      if (s == null || !s.isFatal() && s != Status.OK) {
        s = server.handshake();
      }
      boolean moved = pump();
      if (!moved && (c.isFatal() || s.isFatal() || c == Status.OK && s == Status.OK)) {
        return new Status[] {c, s};
      }
    }
    throw new AssertionError("handshake neither finished nor failed in " + MAX_STEPS + " steps");
  }

  private static Status record(List<Status> transcript, Status status) {
    transcript.add(status);
    return status;
  }

  /** Sends {@code data} from one engine to the other through the pump and returns what arrived. */
  public byte[] send(TlsEngine from, TlsEngine to, byte[] data) {
    ByteBuffer src = ByteBuffer.wrap(data);
    ByteBuffer received = ByteBuffer.allocate(data.length);
    ByteBuffer dst = ByteBuffer.allocate(1 + random.nextInt(32 * 1024));
    for (int step = 0; step < MAX_STEPS && received.hasRemaining(); step++) {
      if (src.hasRemaining()) {
        int n = from.write(src);
        assertThat(n > 0 || n == Status.WANT_WRITE.code() || n == Status.WANT_READ.code())
            .as("write returned %s (%s)", n, from.failure())
            .isTrue();
      }
      for (int n = to.read(dst); ; n = to.read(dst)) {
        if (n > 0) {
          dst.flip();
          received.put(dst);
          dst.clear();
          continue;
        }
        assertThat(Status.ofCode(n))
            .as("read failed: %s", to.failure())
            .isIn(Status.WANT_READ, Status.WANT_WRITE);
        break;
      }
      if (!pump() && !src.hasRemaining() && from.wantsWrite()) {
        from.handshake(); // flush
      }
    }
    assertThat(received.hasRemaining()).as("all bytes arrived").isFalse();
    return received.array();
  }

  @Override
  public void close() {
    client.close();
    server.close();
  }
}
