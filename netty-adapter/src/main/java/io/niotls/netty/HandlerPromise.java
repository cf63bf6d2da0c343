package io.niotls.netty;

import io.netty.channel.Channel;
import io.netty.util.concurrent.DefaultPromise;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;

/**
 * A promise that exists before its handler is in a pipeline, so {@code handshakeFuture()} can be
 * taken right after construction: until the handler is added it has no event loop, and then it
 * notifies its listeners on the channel's.
 */
final class HandlerPromise extends DefaultPromise<Channel> {
  private volatile EventExecutor executor;

  void attach(EventExecutor executor) {
    this.executor = executor;
  }

  @Override
  protected EventExecutor executor() {
    EventExecutor e = executor;
    return e == null ? ImmediateEventExecutor.INSTANCE : e;
  }

  @Override
  protected void checkDeadLock() {
    if (executor != null) {
      super.checkDeadLock(); // waiting on the event loop for itself would never end
    }
  }
}
