package io.niotls.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.nio.channels.ClosedChannelException;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32;

/**
 * After the handshake, sends {@code total} bytes as fast as the channel stays writable, and counts
 * and checksums what it receives. Works behind any TLS handler that fires Netty's handshake event.
 */
final class Streamer extends ChannelInboundHandlerAdapter {
  private static final int CHUNK = 64 * 1024;
  private static final byte[] BLOCK = new byte[(1 << 20) + CHUNK];

  static {
    new Random(42).nextBytes(BLOCK);
  }

  final CompletableFuture<Long> sent = new CompletableFuture<>();
  final CompletableFuture<Long> received = new CompletableFuture<>();
  private final long total;
  private final CRC32 sentCrc = new CRC32();
  private final CRC32 receivedCrc = new CRC32();
  private long sentBytes;
  private long receivedBytes;
  private boolean started;

  Streamer(long total) {
    this.total = total;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SslHandshakeCompletionEvent e) {
      if (e.isSuccess()) {
        started = true;
        send(ctx);
      } else {
        fail(e.cause());
      }
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (started && ctx.channel().isWritable()) {
      send(ctx);
    }
    ctx.fireChannelWritabilityChanged();
  }

  private void send(ChannelHandlerContext ctx) {
    while (ctx.channel().isWritable() && sentBytes < total) {
      int n = (int) Math.min(CHUNK, total - sentBytes);
      int offset = (int) ((sentBytes / CHUNK * 4099) % (BLOCK.length - CHUNK));
      sentCrc.update(BLOCK, offset, n);
      sentBytes += n;
      ByteBuf buf = ctx.alloc().buffer(n).writeBytes(BLOCK, offset, n);
      if (sentBytes == total) {
        long crc = sentCrc.getValue();
        ctx.writeAndFlush(buf)
            .addListener(
                f -> {
                  if (f.isSuccess()) {
                    sent.complete(crc);
                  } else {
                    sent.completeExceptionally(f.cause());
                  }
                });
        return;
      }
      ctx.write(buf);
    }
    ctx.flush();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf buf = (ByteBuf) msg;
    try {
      receivedCrc.update(buf.nioBuffer());
      receivedBytes += buf.readableBytes();
    } finally {
      buf.release();
    }
    if (receivedBytes == total) {
      received.complete(receivedCrc.getValue());
    } else if (receivedBytes > total) {
      received.completeExceptionally(new AssertionError("more than " + total + " bytes"));
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    fail(cause);
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    fail(new ClosedChannelException());
    ctx.fireChannelInactive();
  }

  private void fail(Throwable cause) {
    sent.completeExceptionally(cause);
    received.completeExceptionally(
        new AssertionError("after " + receivedBytes + " of " + total + " bytes", cause));
  }
}
