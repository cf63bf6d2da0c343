package io.niotls.netty;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A close() (or disconnect()) held back until our close_notify is written — for at most the flush
 * timeout, if it is positive — and then, when asked, until the peer's arrives — for at most the
 * read timeout. Either way it ends by closing the channel with the caller's promise, exactly once.
 *
 * <p>Confined to the channel's event loop.
 */
final class PendingClose {
  private final ChannelHandlerContext ctx;
  private final ChannelPromise promise;
  private final boolean disconnect;
  private ScheduledFuture<?> timer;
  private boolean done;

  PendingClose(ChannelHandlerContext ctx, ChannelPromise promise, boolean disconnect) {
    this.ctx = ctx;
    this.promise = promise;
    this.disconnect = disconnect;
  }

  /**
   * Starts waiting for {@code written} (our close_notify), then, with a positive {@code readMillis}
   * and while {@code peerClosed} says no, for the peer's close_notify, which the handler reports by
   * calling {@link #now()}.
   */
  void start(ChannelFuture written, long flushMillis, long readMillis, BooleanSupplier peerClosed) {
    if (flushMillis > 0) { // as SslHandler's: 0 waits for the write however long it takes
      timer = ctx.executor().schedule(this::now, flushMillis, TimeUnit.MILLISECONDS);
    }
    written.addListener(
        f -> {
          if (done) {
            return;
          }
          if (timer != null) {
            timer.cancel(false);
          }
          if (!f.isSuccess() || readMillis <= 0 || peerClosed.getAsBoolean()) {
            now();
          } else {
            timer = ctx.executor().schedule(this::now, readMillis, TimeUnit.MILLISECONDS);
            if (!ctx.channel().config().isAutoRead()) {
              ctx.read(); // the peer's close_notify will not come in unasked
            }
          }
        });
  }

  /** Closes the channel now; later calls do nothing. */
  void now() {
    if (done) {
      return;
    }
    done = true;
    if (timer != null) {
      timer.cancel(false);
    }
    if (disconnect) {
      ctx.disconnect(promise);
    } else {
      ctx.close(promise);
    }
  }
}
