package io.niotls.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.context.TlsContext;
import io.niotls.engine.Status;
import io.niotls.engine.TlsEngine;
import io.niotls.transport.MemoryTransport;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A client and a server engine joined by two {@link MemoryTransport}s and a pump that moves
 * ciphertext between them in {@link Chunks} (1 byte at a time up to whole records, random sizes
 * from a fixed seed), so the same test runs at every split of the records. {@link #toString()}
 * names the chunking and seed: put it in failure messages. All work is bounded.
 */
public final class MemoryPair implements AutoCloseable {
  private static final int MAX_STEPS = 5_000_000;

  public final MemoryTransport clientTransport;
  public final MemoryTransport serverTransport;
  public final TlsEngine client;
  public final TlsEngine server;

  /** Every status {@link #handshake()} saw, one per call (see {@link Transcript#collapse}). */
  public final List<Status> clientTranscript = new ArrayList<>();

  public final List<Status> serverTranscript = new ArrayList<>();
  private final Chunks chunks;
  private final Random random;
  private final ByteBuffer chunk = ByteBuffer.allocate(Chunks.WHOLE_RECORDS);

  private MemoryPair(Builder b) {
    this.clientTransport = new MemoryTransport(b.outboundLimit);
    this.serverTransport = new MemoryTransport(b.outboundLimit);
    this.client = TlsEngine.client(b.clientContext, clientTransport, b.host, b.port);
    this.server = TlsEngine.server(b.serverContext, serverTransport);
    this.chunks = b.chunks;
    this.random = new Random(b.chunks.seed());
  }

  public MemoryPair(
      TlsContext clientContext, TlsContext serverContext, int maxChunk, long seed, int outLimit) {
    this(
        builder(clientContext, serverContext)
            .chunks(Chunks.upTo(maxChunk, seed))
            .outboundLimit(outLimit));
  }

  public MemoryPair(TlsContext clientContext, TlsContext serverContext, int maxChunk, long seed) {
    this(clientContext, serverContext, maxChunk, seed, Integer.MAX_VALUE);
  }

  public static MemoryPair wholeRecords(TlsContext clientContext, TlsContext serverContext) {
    return builder(clientContext, serverContext).build();
  }

  /** A pair whose client connects to localhost:443, pumped in whole records, unless told. */
  public static Builder builder(TlsContext clientContext, TlsContext serverContext) {
    return new Builder(clientContext, serverContext);
  }

  /** Moves one chunk each way; true if any byte moved. */
  public boolean pump() {
    boolean moved = move(clientTransport, serverTransport);
    return move(serverTransport, clientTransport) | moved;
  }

  /** Pumps until neither side has ciphertext waiting; true if any byte moved. */
  public boolean pumpAll() {
    boolean moved = false;
    for (int step = 0; step < MAX_STEPS && pump(); step++) {
      moved = true;
    }
    return moved;
  }

  private boolean move(MemoryTransport from, MemoryTransport to) {
    if (from.pendingOutbound() == 0) {
      return false;
    }
    chunk.clear().limit(Math.min(chunk.capacity(), chunks.next()));
    from.drain(chunk);
    to.feed(chunk.flip());
    return true;
  }

  /** Drives both handshakes to OK, recording every status; fails the test if either fails. */
  public void handshake() {
    handshake(TlsEngine::runTasks);
  }

  /**
   * Drives both handshakes to OK, recording every status, and hands an engine that reported
   * WANT_TASK to {@code taskRunner}, which must have run its tasks when it returns.
   */
  public void handshake(Consumer<TlsEngine> taskRunner) {
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
            String.format(
                "handshake failed with %s: client %s %s, server %s %s",
                chunks, c, client.failure(), s, server.failure()));
      }
      if (c == Status.WANT_TASK) {
        taskRunner.accept(client);
      }
      if (s == Status.WANT_TASK) {
        taskRunner.accept(server);
      }
      pump();
    }
    throw new AssertionError("handshake did not finish in " + MAX_STEPS + " steps with " + chunks);
  }

  /**
   * Drives both handshakes until one side reports a fatal status or both finish, then lets the side
   * still standing read what the failing side sent (its alert); returns the client's and server's
   * last statuses.
   */
  public Status[] handshakeUntilFailure() {
    Status c = null;
    Status s = null;
    for (int step = 0; step < MAX_STEPS; step++) {
      c = advance(client, c);
      s = advance(server, s);
      boolean moved = pump();
      if (!moved && (c.isFatal() || s.isFatal() || c == Status.OK && s == Status.OK)) {
        return new Status[] {c, s};
      }
    }
    throw new AssertionError("handshake neither finished nor failed in " + MAX_STEPS + " steps");
  }

  private static Status advance(TlsEngine engine, Status last) {
    if (last != null && last.isFatal()) {
      return last;
    }
    if (last == Status.WANT_TASK) {
      engine.runTasks();
    }
    if (last != Status.OK) {
      return engine.handshake();
    }
    // Established: read, so an alert the peer sent after our handshake finished is seen.
    int n = engine.read(ByteBuffer.allocate(64 * 1024));
    return n >= 0 || Status.ofCode(n) == Status.WANT_READ ? Status.OK : Status.ofCode(n);
  }

  private Status record(List<Status> transcript, Status status) {
    transcript.add(status);
    TlsEngine engine = transcript == clientTranscript ? client : server;
    if (status == Status.WANT_READ && engine.isHandshakeComplete()) {
      throw new AssertionError(
          engine
              + " asked for input after its handshake completed: a caller waiting for"
              + " readability would wait forever ("
              + chunks
              + ")");
    }
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
            .as("write returned %s (%s) with %s", n, from.failure(), chunks)
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
            .as("read failed: %s with %s", to.failure(), chunks)
            .isIn(Status.WANT_READ, Status.WANT_WRITE);
        break;
      }
      if (!pump() && !src.hasRemaining() && from.wantsWrite()) {
        from.handshake(); // flush
      }
    }
    assertThat(received.hasRemaining()).as("all bytes arrived with %s", chunks).isFalse();
    return received.array();
  }

  /**
   * Reads from {@code engine} until it reports a status instead of bytes, pumping as needed so that
   * whatever is in flight arrives; returns the bytes read and that status.
   */
  public Received readAll(TlsEngine engine) {
    ByteBuffer dst = ByteBuffer.allocate(64 * 1024);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int step = 0; step < MAX_STEPS; step++) {
      int n = engine.read(dst);
      if (n > 0) {
        bytes.write(dst.array(), 0, n);
        dst.clear();
      } else if (n == Status.WANT_TASK.code()) {
        engine.runTasks();
      } else if (n != Status.WANT_READ.code() && n != Status.WANT_WRITE.code() || !pump()) {
        return new Received(bytes.toByteArray(), Status.ofCode(n));
      }
    }
    throw new AssertionError("reading did not settle in " + MAX_STEPS + " steps with " + chunks);
  }

  /** What {@link #readAll} got: the plaintext and the status that ended the reading. */
  public record Received(byte[] bytes, Status status) {}

  public Chunks chunks() {
    return chunks;
  }

  @Override
  public String toString() {
    return "MemoryPair[" + chunks + "]";
  }

  @Override
  public void close() {
    client.close();
    server.close();
  }

  /** Settings for a {@link MemoryPair}. */
  public static final class Builder {
    private final TlsContext clientContext;
    private final TlsContext serverContext;
    private String host = "localhost";
    private int port = 443;
    private Chunks chunks = Chunks.wholeRecords();
    private int outboundLimit = Integer.MAX_VALUE;

    private Builder(TlsContext clientContext, TlsContext serverContext) {
      this.clientContext = clientContext;
      this.serverContext = serverContext;
    }

    /** The host (and port) the client thinks it connects to: SNI, verification, session key. */
    public Builder host(String host, int port) {
      this.host = host;
      this.port = port;
      return this;
    }

    public Builder host(String host) {
      return host(host, port);
    }

    public Builder chunks(Chunks chunks) {
      this.chunks = chunks;
      return this;
    }

    /** How many undrained bytes each transport takes before reporting itself full. */
    public Builder outboundLimit(int limit) {
      this.outboundLimit = limit;
      return this;
    }

    public MemoryPair build() {
      return new MemoryPair(this);
    }
  }
}
