package io.niotls.bench.support;

import io.niotls.engine.SessionInfo;
import io.niotls.netty.EmbeddedPair;
import io.niotls.netty.TlsHandler;

/** niotls's {@link TlsHandler} on both ends of an {@link EmbeddedPair}. */
final class TlsHandlerPair implements Duplex {
  private final TlsHandler client;
  private final TlsHandler server;
  private final EmbeddedPair pair;

  TlsHandlerPair(Fixture fixture) {
    client = TlsHandler.client(fixture.niotls().client(), ContextPair.HOST, ContextPair.PORT);
    server = TlsHandler.server(fixture.niotls().server());
    pair = EmbeddedPair.of(client, server);
  }

  @Override
  public void handshake() {
    pair.pumpUntilQuiet();
    HandlerPairs.check(client.handshakeFuture(), server.handshakeFuture());
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
