package io.niotls.bench.support;

import io.niotls.context.ProviderEngines;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * The baseline: two bare {@link SSLEngine}s from the same contexts niotls uses, handshaking through
 * two ByteBuffers with the tightest loop that is still correct. Each side wraps and unwraps until
 * it needs the peer's bytes, delegated tasks run inline, and no byte is copied that the engines do
 * not copy themselves. The buffers are made once ({@link Buffers}) and reused by every pair.
 */
public final class RawEnginePair implements Duplex {
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
  private static final int MAX_FLIGHTS = 16;

  public final SSLEngine client;
  public final SSLEngine server;
  private final ContextPair contexts;
  private final Buffers buffers;
  private final boolean resumption;
  private final ByteBuffer plaintext;
  private Boolean resumed; // the context answers once per engine

  /** The four buffers of a raw pair, of the kind (heap or direct) the provider is fastest with. */
  public static final class Buffers {
    /** Ciphertext, write mode between calls. */
    public final ByteBuffer clientToServer;

    public final ByteBuffer serverToClient;

    /** Plaintext out of unwrap; never read during a handshake. */
    public final ByteBuffer clientApp;

    public final ByteBuffer serverApp;

    public Buffers(ContextPair contexts) {
      boolean direct = contexts.client().bufferPool().isDirect();
      int size = contexts.client().bufferPool().bufferSize();
      clientToServer = allocate(4 * size, direct);
      serverToClient = allocate(4 * size, direct);
      clientApp = allocate(size, direct);
      serverApp = allocate(size, direct);
    }

    public static ByteBuffer allocate(int size, boolean direct) {
      return direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
    }
  }

  RawEnginePair(Fixture fixture) {
    this.contexts = fixture.sslEngines();
    this.buffers = fixture.scratch().raw;
    this.plaintext = fixture.scratch().plaintext;
    this.resumption = fixture.spec().resumption();
    this.client = ProviderEngines.newEngine(contexts.client(), ContextPair.HOST, ContextPair.PORT);
    this.server = ProviderEngines.newEngine(contexts.server(), null, -1);
  }

  /**
   * Drives both handshakes to completion. As niotls does with resumption off, both sessions are
   * invalidated at the end, so the next client does not offer this one.
   *
   * @throws IllegalStateException when either engine fails or the handshake does not finish
   */
  @Override
  public void handshake() {
    try {
      handshakeOrThrow();
    } catch (SSLException e) {
      throw new IllegalStateException("raw handshake failed: " + e, e);
    }
  }

  private void handshakeOrThrow() throws SSLException {
    ByteBuffer c2s = buffers.clientToServer.clear();
    ByteBuffer s2c = buffers.serverToClient.clear();
    client.beginHandshake();
    server.beginHandshake();
    boolean clientDone = false;
    boolean serverDone = false;
    for (int flight = 0; flight < MAX_FLIGHTS; flight++) {
      if (!clientDone) {
        clientDone = drive(client, s2c, c2s, buffers.clientApp);
      }
      if (!serverDone) {
        serverDone = drive(server, c2s, s2c, buffers.serverApp);
      }
      if (clientDone && serverDone) {
        readLeftovers(s2c);
        if (!resumption) {
          client.getSession().invalidate();
          server.getSession().invalidate();
        }
        return;
      }
    }
    throw new IllegalStateException(
        "handshake did not finish: client "
            + client.getHandshakeStatus()
            + ", server "
            + server.getHandshakeStatus());
  }

  /** The server's records after its last flight (TLS 1.3 tickets), unwrapped by the client. */
  private void readLeftovers(ByteBuffer s2c) throws SSLException {
    s2c.flip();
    try {
      while (s2c.hasRemaining()) {
        SSLEngineResult r = client.unwrap(s2c, buffers.clientApp.clear());
        if (r.bytesProduced() > 0) {
          throw new IllegalStateException("the server sent data after its handshake");
        }
        if (r.bytesConsumed() == 0) {
          break;
        }
      }
    } finally {
      s2c.compact();
    }
  }

  /**
   * Runs one engine until it needs the peer's bytes. {@code in} and {@code out} are in write mode.
   *
   * @return true once its handshake has finished
   */
  private static boolean drive(SSLEngine engine, ByteBuffer in, ByteBuffer out, ByteBuffer app)
      throws SSLException {
    while (true) {
      switch (engine.getHandshakeStatus()) {
        case NEED_TASK:
          for (Runnable task = engine.getDelegatedTask();
              task != null;
              task = engine.getDelegatedTask()) {
            task.run();
          }
          break;
        case NEED_WRAP:
          if (engine.wrap(EMPTY, out).getHandshakeStatus() == HandshakeStatus.FINISHED) {
            return true;
          }
          break;
        case NEED_UNWRAP:
        case NEED_UNWRAP_AGAIN:
          in.flip();
          SSLEngineResult r;
          try {
            r = engine.unwrap(in, app);
          } finally {
            in.compact();
            app.clear();
          }
          if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
            return true;
          }
          if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
            return false; // BUFFER_UNDERFLOW or nothing to do yet: the peer's turn
          }
          break;
        default: // NOT_HANDSHAKING: finished without saying FINISHED
          return true;
      }
    }
  }

  @Override
  public boolean resumed() {
    if (resumed == null) {
      resumed = ProviderEngines.wasResumed(contexts.client(), client);
    }
    return resumed;
  }

  @Override
  public Facts facts() {
    return new Facts(
        client.getSession().getProtocol(), client.getSession().getCipherSuite(), resumed());
  }

  /**
   * The client wraps all of {@code payload} into one buffer and the server unwraps all of it, with
   * no transport in between.
   */
  @Override
  public int transfer(Payload payload) {
    return send(client, server, buffers.clientToServer, payload);
  }

  @Override
  public int reply(Payload payload) {
    return send(server, client, buffers.serverToClient, payload);
  }

  private int send(SSLEngine from, SSLEngine to, ByteBuffer net, Payload payload) {
    ByteBuffer src = payload.buffer();
    net.clear();
    try {
      while (src.hasRemaining()) {
        ok(from.wrap(src, net));
      }
      net.flip();
      int received = 0;
      while (net.hasRemaining()) {
        received += ok(to.unwrap(net, plaintext.clear())).bytesProduced();
      }
      return received;
    } catch (SSLException e) {
      throw new IllegalStateException("raw transfer failed: " + e, e);
    } finally {
      net.clear();
    }
  }

  private static SSLEngineResult ok(SSLEngineResult result) {
    if (result.getStatus() != SSLEngineResult.Status.OK) {
      throw new IllegalStateException("raw engine: " + result);
    }
    return result;
  }

  @Override
  public AutoCloseable keepServerOnly() {
    ProviderEngines.release(contexts.client(), client);
    SSLEngine kept = server;
    ContextPair owner = contexts;
    return () -> ProviderEngines.release(owner.server(), kept);
  }

  @Override
  public void close() {
    ProviderEngines.release(contexts.client(), client);
    ProviderEngines.release(contexts.server(), server);
  }
}
