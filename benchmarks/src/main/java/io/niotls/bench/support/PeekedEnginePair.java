package io.niotls.bench.support;

import io.niotls.context.SniMapping;
import io.niotls.context.TlsContext;
import io.niotls.engine.HelloPeek;
import io.niotls.engine.Status;
import io.niotls.engine.TlsEngine;
import io.niotls.transport.MemoryTransport;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A niotls client and a server that chooses its context by name, in memory: the server side is what
 * {@code TlsServer.bindSni} runs for each connection (a {@link HelloPeek} reads the ClientHello,
 * {@link SniMapping#choose} picks the context, the engine is made over the same transport and fed
 * the bytes read ahead), driven flight by flight as {@link EnginePair} drives its pair, over the
 * same {@link MemoryLink} wires. One instance serves every handshake of one thread.
 *
 * <p>Besides the whole handshake, the time spent on the server's side (peek, choice, engine made,
 * its handshake steps, its close) is clocked apart: the client's half of an in-memory handshake
 * dilutes a difference that is all the server's.
 */
public final class PeekedEnginePair {
  /** More round trips than any TLS 1.2 or 1.3 handshake needs. */
  private static final int MAX_FLIGHTS = 16;

  private final TlsContext client;
  private final Scratch scratch;
  private TlsContext chosen;
  private String serverName;
  private long serverNs;

  /**
   * @param client the client's context; {@code server} one of the servers' (for the buffers' kind)
   */
  public PeekedEnginePair(TlsContext client, TlsContext server) {
    this.client = client;
    ContextPair pair = new ContextPair(client, server);
    this.scratch = new Scratch(pair, pair);
  }

  /**
   * One full handshake of a client asking for {@code host} (sent as SNI and verified) against a
   * server choosing from {@code mapping}, then both sides freed; {@link #serverNanos()} then says
   * how long the server's side of it took.
   *
   * @throws IllegalStateException when either side fails or the handshake does not finish
   */
  public void handshake(SniMapping mapping, String host) {
    MemoryLink toServer = scratch.clientToServer;
    MemoryLink toClient = scratch.serverToClient;
    MemoryTransport clientTransport = new MemoryTransport(client.bufferPool());
    clientTransport.sink(toServer);
    TlsEngine c = TlsEngine.client(client, clientTransport, host, -1);
    long serverStart = System.nanoTime();
    MemoryTransport serverTransport = new MemoryTransport(mapping.defaultContext().bufferPool());
    serverTransport.sink(toClient);
    HelloPeek peek = new HelloPeek(mapping);
    serverNs = System.nanoTime() - serverStart;
    TlsEngine s = null;
    try {
      Status cs = Status.WANT_READ;
      Status ss = Status.WANT_READ;
      for (int flight = 0; flight < MAX_FLIGHTS; flight++) {
        if (cs != Status.OK) {
          cs = c.handshake();
        }
        toClient.reclaim(clientTransport);
        toServer.deliver(serverTransport);
        serverStart = System.nanoTime();
        if (s == null && peeked(peek, serverTransport)) {
          chosen = peek.context();
          serverName = peek.serverName();
          s = peek.engine(serverTransport);
        }
        if (s != null && ss != Status.OK) {
          ss = s.handshake();
        }
        serverNs += System.nanoTime() - serverStart;
        toServer.reclaim(serverTransport);
        toClient.deliver(clientTransport);
        if (cs == Status.OK && ss == Status.OK) {
          readLeftovers(c, clientTransport);
          return;
        }
        if (cs.isFatal() || ss.isFatal()) {
          throw new IllegalStateException(
              "handshake failed: client " + c.failure() + ", server " + s.failure());
        }
      }
      throw new IllegalStateException("handshake did not finish: " + c + ", " + s);
    } finally {
      toClient.reclaim(clientTransport);
      c.close();
      if (s != null) {
        serverStart = System.nanoTime();
        s.close();
        serverNs += System.nanoTime() - serverStart;
      }
    }
  }

  /** Reads the ClientHello: a memory transport has no I/O to fail. */
  private static boolean peeked(HelloPeek peek, MemoryTransport transport) {
    try {
      return peek.read(transport);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The nanoseconds the server's side of the last handshake took (see the class comment). */
  public long serverNanos() {
    return serverNs;
  }

  /** The context the last handshake's server chose. */
  public TlsContext chosen() {
    return chosen;
  }

  /** The name the last handshake's client asked for, as the server read it. */
  public String serverName() {
    return serverName;
  }

  /** The server's records after its last flight (TLS 1.3 tickets): none carries data. */
  private void readLeftovers(TlsEngine c, MemoryTransport clientTransport) {
    if (clientTransport.pendingInbound() > 0) {
      int n = c.read(scratch.plaintext.clear());
      if (n != Status.WANT_READ.code()) {
        throw new IllegalStateException("the client read " + n + " after the handshake");
      }
    }
  }
}
