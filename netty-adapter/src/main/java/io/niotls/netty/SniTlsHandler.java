package io.niotls.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.concurrent.ScheduledFuture;
import io.niotls.context.TlsContext;
import io.niotls.wire.ClientHelloParser;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * A server's first handler when it serves several names: it buffers the client's first bytes until
 * the ClientHello's server name is known (core's {@link ClientHelloParser}, fed each read's new
 * bytes), picks a context with an {@link SniMapping}, and replaces itself with a {@link
 * TlsHandler#server} for that context, which then receives the buffered bytes. It fires Netty's
 * {@link SniCompletionEvent} with the name.
 *
 * <p>Bytes that are not a ClientHello, a ClientHello that cannot be parsed and a server name that
 * is not a host name go to the default context, whose engine refuses what it must with a proper
 * alert; the event then carries the parser's reason. A client that does not complete its
 * ClientHello within the default context's handshake timeout is disconnected.
 *
 * <p>Not sharable: one per channel.
 */
public final class SniTlsHandler extends ByteToMessageDecoder {
  private final SniMapping mapping;
  private final ClientHelloParser hello = new ClientHelloParser();
  private int parsed; // bytes after the reader index that the parser has seen; none are read
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
    // the reader index stays put, so the bytes after it grow by each read's and only those are new
    int fresh = in.readableBytes() - parsed;
    if (fresh > 0) {
      hello.feed(in.nioBuffer(in.readerIndex() + parsed, fresh));
      parsed += fresh;
    }
    if (hello.state() == ClientHelloParser.State.NEED_MORE) {
      return;
    }
    String problem =
        hello.state() == ClientHelloParser.State.DONE ? hello.serverNameProblem() : hello.problem();
    TlsContext chosen = mapping.select(hello.serverName());
    ctx.pipeline().replace(this, ctx.name(), TlsHandler.server(chosen));
    // ByteToMessageDecoder hands the buffered bytes to the TlsHandler as it is removed.
    ctx.fireUserEventTriggered(
        problem != null
            ? new SniCompletionEvent(null, new SSLException(problem))
            : new SniCompletionEvent(hello.serverName()));
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    if (deadline != null) {
      deadline.cancel(false);
    }
  }
}
