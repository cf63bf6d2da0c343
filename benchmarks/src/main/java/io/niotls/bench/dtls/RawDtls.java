package io.niotls.bench.dtls;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * The baseline: two bare DTLS SSLEngines and a minimal hand-written loop over in-memory datagram
 * queues, with no loss, so no timers, no replay window and no reordering repairs.
 */
final class RawDtls {
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  final SSLEngine client;
  final SSLEngine server;
  private final ArrayDeque<ByteBuffer> toClient = new ArrayDeque<>();
  private final ArrayDeque<ByteBuffer> toServer = new ArrayDeque<>();
  private final ByteBuffer net = ByteBuffer.allocate(17 * 1024);
  private final ByteBuffer app = ByteBuffer.allocate(17 * 1024);

  RawDtls(SSLEngine client, SSLEngine server, int maxPacket) {
    this.client = client;
    this.server = server;
    for (SSLEngine e : new SSLEngine[] {client, server}) {
      SSLParameters p = e.getSSLParameters();
      p.setMaximumPacketSize(maxPacket);
      e.setSSLParameters(p);
    }
  }

  void handshake() throws SSLException {
    client.beginHandshake();
    server.beginHandshake();
    for (int i = 0; i < 1000; i++) {
      boolean c = step(client, toClient, toServer);
      boolean s = step(server, toServer, toClient);
      if (c && s && toClient.isEmpty() && toServer.isEmpty()) {
        return;
      }
    }
    throw new IllegalStateException(
        "raw DTLS handshake did not finish: client "
            + client.getHandshakeStatus()
            + ", server "
            + server.getHandshakeStatus()
            + ", to client "
            + toClient.size()
            + ", to server "
            + toServer.size());
  }

  /**
   * @return true when the engine is not handshaking
   */
  private boolean step(SSLEngine e, ArrayDeque<ByteBuffer> in, ArrayDeque<ByteBuffer> out)
      throws SSLException {
    for (; ; ) {
      HandshakeStatus hs = e.getHandshakeStatus();
      switch (hs) {
        case NEED_WRAP -> {
          net.clear();
          e.wrap(EMPTY, net);
          net.flip();
          if (net.hasRemaining()) {
            out.add(copy(net));
          }
        }
        case NEED_UNWRAP_AGAIN -> {
          app.clear();
          e.unwrap(EMPTY, app);
        }
        case NEED_UNWRAP -> {
          ByteBuffer d = in.peek();
          if (d == null) {
            return false;
          }
          app.clear();
          e.unwrap(d, app); // one record; the rest of the datagram stays for the next unwrap
          if (!d.hasRemaining()) {
            in.poll();
          }
        }
        case NEED_TASK -> {
          for (Runnable t = e.getDelegatedTask(); t != null; t = e.getDelegatedTask()) {
            t.run();
          }
        }
        default -> {
          // done: what still comes (the rest of the peer's last flight) is read and dropped
          for (ByteBuffer d = in.poll(); d != null; d = in.poll()) {
            while (d.hasRemaining()) {
              app.clear();
              e.unwrap(d, app);
            }
          }
          return true;
        }
      }
    }
  }

  /** One datagram from {@code from} to {@code to}: wrap, carry, unwrap. @return bytes read */
  int send(SSLEngine from, SSLEngine to, ByteBuffer data, ByteBuffer dst) throws SSLException {
    net.clear();
    SSLEngineResult r = from.wrap(data, net);
    if (r.getStatus() != SSLEngineResult.Status.OK) {
      throw new IllegalStateException("wrap: " + r);
    }
    net.flip();
    ByteBuffer datagram = copy(net);
    return to.unwrap(datagram, dst).bytesProduced();
  }

  private static ByteBuffer copy(ByteBuffer b) {
    ByteBuffer c = ByteBuffer.allocate(b.remaining());
    c.put(b).flip();
    return c;
  }
}
