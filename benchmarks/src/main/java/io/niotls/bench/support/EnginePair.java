package io.niotls.bench.support;

import io.niotls.engine.SessionInfo;
import io.niotls.engine.Status;
import io.niotls.engine.TlsEngine;
import io.niotls.transport.MemoryTransport;
import java.nio.ByteBuffer;

/**
 * A niotls client and server, each over a {@link MemoryTransport}, joined by two {@link
 * MemoryLink}s and driven in one thread: each side runs until it waits for the other, then its
 * whole flight is handed across, as an event loop or a Netty pipeline would deliver it.
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
   * @param scratch buffers reused by every pair of one thread: the wires and the reader's plaintext
   */
  EnginePair(ContextPair contexts, Scratch scratch) {
    this.scratch = scratch;
    this.clientTransport = new MemoryTransport(contexts.client().bufferPool());
    this.serverTransport = new MemoryTransport(contexts.server().bufferPool());
    clientTransport.sink(scratch.clientToServer);
    serverTransport.sink(scratch.serverToClient);
    this.client =
        TlsEngine.client(contexts.client(), clientTransport, ContextPair.HOST, ContextPair.PORT);
    this.server = TlsEngine.server(contexts.server(), serverTransport);
  }

  @Override
  public void handshake() {
    MemoryLink toServer = scratch.clientToServer;
    MemoryLink toClient = scratch.serverToClient;
    Status c = Status.WANT_READ;
    Status s = Status.WANT_READ;
    for (int flight = 0; flight < MAX_FLIGHTS; flight++) {
      if (c != Status.OK) {
        c = client.handshake();
      }
      toClient.reclaim(clientTransport);
      toServer.deliver(serverTransport);
      if (s != Status.OK) {
        s = server.handshake();
      }
      toServer.reclaim(serverTransport);
      toClient.deliver(clientTransport);
      if (c == Status.OK && s == Status.OK) {
        readLeftovers();
        toClient.reclaim(clientTransport);
        return;
      }
      if (c.isFatal() || s.isFatal()) {
        toClient.reclaim(clientTransport);
        throw new IllegalStateException(
            "handshake failed: client " + client.failure() + ", server " + server.failure());
      }
    }
    toClient.reclaim(clientTransport);
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
    return send(client, scratch.clientToServer, server, serverTransport, payload);
  }

  @Override
  public int reply(Payload payload) {
    return send(server, scratch.serverToClient, client, clientTransport, payload);
  }

  private int send(
      TlsEngine from, MemoryLink wire, TlsEngine to, MemoryTransport in, Payload payload) {
    ByteBuffer src = payload.buffer();
    while (src.hasRemaining()) {
      progress(from.write(src), from);
    }
    wire.deliver(in);
    int received = 0;
    try {
      while (received < payload.size()) {
        received += progress(to.read(scratch.plaintext.clear()), to);
      }
    } finally {
      wire.reclaim(in);
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

  @Override
  public AutoCloseable keepServerOnly() {
    client.close();
    serverTransport.sink(null);
    return server;
  }

  @Override
  public void close() {
    client.close();
    server.close();
  }
}
