package io.niotls.bench.support;

import io.niotls.engine.SessionInfo;
import io.niotls.engine.Status;
import io.niotls.engine.TlsEngine;
import io.niotls.transport.MemoryTransport;
import java.nio.ByteBuffer;

/**
 * A niotls client and server joined by two {@link MemoryTransport}s, driven in one thread: each
 * side runs until it waits for the other, then its whole flight is moved across, as an event loop
 * or a Netty pipeline would deliver it.
 */
public final class EnginePair implements AutoCloseable {
  /** More round trips than any TLS 1.2 or 1.3 handshake needs. */
  private static final int MAX_FLIGHTS = 16;

  public final MemoryTransport clientTransport;
  public final MemoryTransport serverTransport;
  public final TlsEngine client;
  public final TlsEngine server;
  private final ByteBuffer wire;

  /**
   * @param wire a scratch buffer, reused, that carries ciphertext from one transport to the other
   */
  public EnginePair(ContextPair contexts, ByteBuffer wire) {
    this.clientTransport = new MemoryTransport(contexts.client().bufferPool());
    this.serverTransport = new MemoryTransport(contexts.server().bufferPool());
    this.client =
        TlsEngine.client(contexts.client(), clientTransport, ContextPair.HOST, ContextPair.PORT);
    this.server = TlsEngine.server(contexts.server(), serverTransport);
    this.wire = wire;
  }

  /**
   * Drives both handshakes to completion.
   *
   * @return the client's session
   * @throws IllegalStateException when either side fails or the handshake does not finish
   */
  public SessionInfo handshake() {
    Status c = Status.WANT_READ;
    Status s = Status.WANT_READ;
    for (int flight = 0; flight < MAX_FLIGHTS; flight++) {
      if (c != Status.OK) {
        c = client.handshake();
      }
      move(clientTransport, serverTransport, wire);
      if (s != Status.OK) {
        s = server.handshake();
      }
      move(serverTransport, clientTransport, wire);
      if (c == Status.OK && s == Status.OK) {
        return client.session();
      }
      if (c.isFatal() || s.isFatal()) {
        throw new IllegalStateException(
            "handshake failed: client " + client.failure() + ", server " + server.failure());
      }
    }
    throw new IllegalStateException("handshake did not finish: " + client + ", " + server);
  }

  /** Moves every pending outbound byte of {@code from} to the inbound side of {@code to}. */
  public static void move(MemoryTransport from, MemoryTransport to, ByteBuffer wire) {
    while (from.pendingOutbound() > 0) {
      wire.clear();
      from.drain(wire);
      to.feed(wire.flip());
    }
  }

  @Override
  public void close() {
    client.close();
    server.close();
  }
}
