package io.niotls.bench.dtls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLParameters;

/**
 * One DTLS association of the hand-written baseline: a bare JDK {@code SSLEngine} and the least
 * loop that drives it over a datagram socket. What niotls's {@code DtlsEngine} adds is absent on
 * purpose: no retransmission timer, no handshake reassembly or reordering, no replay window, no
 * last-flight linger, no queue for a full socket. It is correct on a lossless path only, which is
 * what loopback with small flights is. Loop-confined.
 */
final class RawAssociation {
  /** Sends one datagram to the peer. */
  interface Wire {
    void send(ByteBuffer datagram) throws IOException;
  }

  /** What the application sees. */
  interface Events {
    default void established(RawAssociation a) {}

    void data(RawAssociation a, ByteBuffer plaintext);

    default void closed(RawAssociation a) {}
  }

  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  final SSLEngine engine;
  private final Wire wire;
  private final Events events;
  private final ByteBuffer net;
  private final ByteBuffer app;
  private boolean established;
  private boolean closed;

  RawAssociation(SSLEngine engine, int maxPacket, Wire wire, Events events) {
    this.engine = engine;
    this.wire = wire;
    this.events = events;
    SSLParameters p = engine.getSSLParameters();
    p.setMaximumPacketSize(maxPacket);
    engine.setSSLParameters(p);
    net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
  }

  /** Begins the handshake (a client sends its ClientHello). */
  void begin() {
    try {
      engine.beginHandshake();
      step(engine.getHandshakeStatus());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One datagram from the peer: every record in it, in turn. */
  void received(ByteBuffer datagram) {
    try {
      while (datagram.hasRemaining() && !closed) {
        app.clear();
        SSLEngineResult r = engine.unwrap(datagram, app);
        if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
          close();
          return;
        }
        if (r.getStatus() != SSLEngineResult.Status.OK) {
          throw new IllegalStateException("raw DTLS unwrap: " + r);
        }
        if (r.bytesProduced() > 0) {
          app.flip();
          events.data(this, app);
        }
        step(r.getHandshakeStatus());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends {@code plaintext} as one record in one datagram. */
  void send(ByteBuffer plaintext) {
    try {
      net.clear();
      SSLEngineResult r = engine.wrap(plaintext, net);
      if (r.getStatus() != SSLEngineResult.Status.OK) {
        throw new IllegalStateException("raw DTLS wrap: " + r);
      }
      net.flip();
      wire.send(net);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends close_notify; the association is done. */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      engine.closeOutbound();
      net.clear();
      engine.wrap(EMPTY, net);
      net.flip();
      if (net.hasRemaining()) {
        wire.send(net);
      }
    } catch (IOException e) {
      // closing: the peer forgets us when it can
    }
    events.closed(this);
  }

  private void step(HandshakeStatus hs) throws IOException {
    for (; ; ) {
      switch (hs) {
        case NEED_WRAP -> {
          net.clear();
          SSLEngineResult r = engine.wrap(EMPTY, net);
          net.flip();
          if (net.hasRemaining()) {
            wire.send(net);
          }
          hs = r.getHandshakeStatus();
        }
        case NEED_TASK -> {
          for (Runnable t = engine.getDelegatedTask(); t != null; t = engine.getDelegatedTask()) {
            t.run();
          }
          hs = engine.getHandshakeStatus();
        }
        case NEED_UNWRAP_AGAIN -> {
          app.clear();
          hs = engine.unwrap(EMPTY, app).getHandshakeStatus();
        }
        case FINISHED -> {
          finished();
          hs = engine.getHandshakeStatus();
        }
        default -> {
          if (hs == HandshakeStatus.NOT_HANDSHAKING) {
            finished();
          }
          return;
        }
      }
    }
  }

  private void finished() {
    if (!established) {
      established = true;
      events.established(this);
    }
  }
}
