package io.niotls.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.concurrent.ScheduledFuture;
import io.niotls.context.TlsContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * A server's first handler when it serves several names: it buffers the client's first bytes until
 * the ClientHello's server name is known ({@link ClientHelloSni}), picks a context with an {@link
 * SniMapping}, and replaces itself with a {@link TlsHandler#server} for that context, which then
 * receives the buffered bytes. It fires Netty's {@link SniCompletionEvent} with the name.
 *
 * <p>A ClientHello that cannot be parsed goes to the default context, whose engine refuses it with
 * a proper alert; the event then carries the parser's reason. A client that does not complete its
 * ClientHello within the default context's handshake timeout is disconnected.
 *
 * <p>Not sharable: one per channel.
 */
public final class SniTlsHandler extends ByteToMessageDecoder {
  private final SniMapping mapping;
  private ScheduledFuture<?> deadline;

  public SniTlsHandler(SniMapping mapping) {
    this.mapping = mapping;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    long millis = mapping.defaultContext().handshakeTimeout().toMillis();
    deadline =
        ctx.executor()
            .schedule(
                () -> {
                  ctx.fireUserEventTriggered(
                      new SniCompletionEvent(
                          new SslHandshakeTimeoutException(
                              "no complete ClientHello within " + millis + " ms")));
                  ctx.close();
                },
                millis,
                TimeUnit.MILLISECONDS);
    if (ctx.channel().isActive() && !ctx.channel().config().isAutoRead()) {
      ctx.read(); // the ClientHello is needed even when the application reads on demand
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    if (!ctx.channel().config().isAutoRead()) {
      ctx.read();
    }
    super.channelActive(ctx);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    ClientHelloSni.Result result =
        ClientHelloSni.parse(in.nioBuffer(in.readerIndex(), in.readableBytes()));
    if (result.kind() == ClientHelloSni.Kind.NEED_MORE) {
      return;
    }
    TlsContext chosen = mapping.select(result.serverName());
    ctx.pipeline().replace(this, ctx.name(), TlsHandler.server(chosen));
    // ByteToMessageDecoder hands the buffered bytes to the TlsHandler as it is removed.
    ctx.fireUserEventTriggered(
        result.kind() == ClientHelloSni.Kind.INVALID
            ? new SniCompletionEvent(null, new SSLException(result.problem()))
            : new SniCompletionEvent(result.serverName()));
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    if (deadline != null) {
      deadline.cancel(false);
    }
  }
}
