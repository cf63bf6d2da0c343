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
public final class EnginePair implements Duplex {
  /** More round trips than any TLS 1.2 or 1.3 handshake needs. */
  private static final int MAX_FLIGHTS = 16;

  public final MemoryTransport clientTransport;
  public final MemoryTransport serverTransport;
  public final TlsEngine client;
  public final TlsEngine server;
  private final Scratch scratch;

  EnginePair(Fixture fixture) {
    this(fixture.niotls(), fixture.scratch());
  }

  /**
   * @param scratch buffers reused by every pair of one thread: the wire between the transports and
   *     the reader's plaintext
   */
  public EnginePair(ContextPair contexts, Scratch scratch) {
    this.clientTransport = new MemoryTransport(contexts.client().bufferPool());
    this.serverTransport = new MemoryTransport(contexts.server().bufferPool());
    this.client =
        TlsEngine.client(contexts.client(), clientTransport, ContextPair.HOST, ContextPair.PORT);
    this.server = TlsEngine.server(contexts.server(), serverTransport);
    this.scratch = scratch;
  }

  @Override
  public void handshake() {
    Status c = Status.WANT_READ;
    Status s = Status.WANT_READ;
    for (int flight = 0; flight < MAX_FLIGHTS; flight++) {
      if (c != Status.OK) {
        c = client.handshake();
      }
      move(clientTransport, serverTransport, scratch.wire);
      if (s != Status.OK) {
        s = server.handshake();
      }
      move(serverTransport, clientTransport, scratch.wire);
      if (c == Status.OK && s == Status.OK) {
        readLeftovers();
        return;
      }
      if (c.isFatal() || s.isFatal()) {
        throw new IllegalStateException(
            "handshake failed: client " + client.failure() + ", server " + server.failure());
      }
    }
    throw new IllegalStateException("handshake did not finish: " + client + ", " + server);
  }

  /** The server's records after its last flight (TLS 1.3 tickets): none carries data. */
  private void readLeftovers() {
    if (clientTransport.pendingInbound() > 0) {
      int n = client.read(scratch.plaintext.clear());
      if (n != Status.WANT_READ.code()) {
        throw new IllegalStateException("the client read " + n + " after the handshake");
      }
    }
  }

  @Override
  public boolean resumed() {
    return client.session().resumed();
  }

  @Override
  public Facts facts() {
    SessionInfo session = client.session();
    return new Facts(session.protocol(), session.cipherSuite(), session.resumed());
  }

  @Override
  public int transfer(Payload payload) {
    return send(client, clientTransport, server, serverTransport, payload);
  }

  @Override
  public int reply(Payload payload) {
    return send(server, serverTransport, client, clientTransport, payload);
  }

  private int send(
      TlsEngine from, MemoryTransport out, TlsEngine to, MemoryTransport in, Payload payload) {
    ByteBuffer src = payload.buffer();
    while (src.hasRemaining()) {
      progress(from.write(src), from);
    }
    move(out, in, scratch.wire);
    int received = 0;
    while (received < payload.size()) {
      received += progress(to.read(scratch.plaintext.clear()), to);
    }
    return received;
  }

  private static int progress(int n, TlsEngine engine) {
    if (n <= 0) {
      throw new IllegalStateException(
          engine + " returned " + n + " in a pair that never blocks: " + engine.failure());
    }
    return n;
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
  public AutoCloseable keepServerOnly() {
    client.close();
    return server;
  }

  @Override
  public void close() {
    client.close();
    server.close();
  }
}
