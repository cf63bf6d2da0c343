package io.niotls.bench.support;

import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;
import io.niotls.netty.EmbeddedPair;

/** What the two handler pairs do alike, so that they are driven exactly the same way. */
final class HandlerPairs {
  /** Pump rounds a record transfer may take: one is enough, a few allow for replies. */
  private static final int MAX_ROUNDS = 8;

  private HandlerPairs() {}

  static void check(Future<Channel> client, Future<Channel> server) {
    if (!client.isSuccess() || !server.isSuccess()) {
      throw new IllegalStateException(
          "handshake did not succeed: client "
              + (client.isDone() ? client.cause() : "not done")
              + ", server "
              + (server.isDone() ? server.cause() : "not done"),
          client.cause() != null ? client.cause() : server.cause());
    }
  }

  /**
   * {@code from} writes and flushes the payload; its records are delivered to {@code to} in one
   * read, as a socket would, and {@code to}'s plaintext is released as it arrives.
   */
  static int send(EmbeddedChannel from, EmbeddedChannel to, EmbeddedPair pair, Payload payload) {
    from.writeAndFlush(payload.retainedBuf());
    long received = 0;
    for (int round = 0; round < MAX_ROUNDS && received < payload.size(); round++) {
      pair.pump();
      received += EmbeddedPair.discardInbound(to);
    }
    if (received != payload.size()) {
      throw new IllegalStateException("sent " + payload.size() + " bytes, received " + received);
    }
    return (int) received;
  }
}
