package io.niotls.bench.support;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslHandler;
import io.niotls.netty.EmbeddedPair;
import javax.net.ssl.SSLSession;

/** Netty's {@link SslHandler} on both ends of an {@link EmbeddedPair}. */
final class SslHandlerPair implements Duplex {
  private final Fixture fixture;
  private final SslHandler client;
  private final SslHandler server;
  private final EmbeddedPair pair;
  private final long fullHandshakesBefore;
  private long fullHandshakesAfter;

  SslHandlerPair(Fixture fixture) {
    this.fixture = fixture;
    fullHandshakesBefore = fixture.nettyFullHandshakes();
    client = fixture.nettyClientHandler(ByteBufAllocator.DEFAULT);
    server = fixture.nettyServerHandler(ByteBufAllocator.DEFAULT);
    pair = EmbeddedPair.of(client, server);
  }

  @Override
  public void handshake() {
    pair.pumpUntilQuiet();
    HandlerPairs.check(client.handshakeFuture(), server.handshakeFuture());
    fullHandshakesAfter = fixture.nettyFullHandshakes();
  }

  /** Resumed when the client did not check the server's chain. */
  @Override
  public boolean resumed() {
    return fullHandshakesAfter == fullHandshakesBefore;
  }

  @Override
  public Facts facts() {
    SSLSession session = client.engine().getSession();
    return new Facts(session.getProtocol(), session.getCipherSuite(), resumed());
  }

  @Override
  public int transfer(Payload payload) {
    return HandlerPairs.send(pair.client, pair.server, pair, payload);
  }

  @Override
  public int reply(Payload payload) {
    return HandlerPairs.send(pair.server, pair.client, pair, payload);
  }

  @Override
  public AutoCloseable keepServerOnly() {
    pair.client.finishAndReleaseAll();
    return pair.server::finishAndReleaseAll;
  }

  @Override
  public void close() {
    pair.close();
  }
}
