package io.niotls.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.concurrent.ScheduledFuture;
import io.niotls.context.SniMapping;
import io.niotls.context.TlsContext;
import io.niotls.wire.ClientHelloParser;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * A server's first handler when it serves several names: it buffers the client's first bytes until
 * the ClientHello's server name is known (core's {@link ClientHelloParser}, fed each read's new
 * bytes), picks a context with core's {@link SniMapping} (by name, then by the key types the client
 * can verify, as {@code TlsServer} does), and replaces itself with a {@link TlsHandler#server} for
 * that context, which then receives the buffered bytes. It fires Netty's {@link SniCompletionEvent}
 * with the name.
 *
 * <p>A strict mapping ({@link SniMapping#sniStrict()}) refuses a name it does not know: the client
 * gets a fatal {@code unrecognized_name} alert (in plaintext: nothing is encrypted yet), the
 * channel is closed, and the event carries the reason.
 *
 * <p>Bytes that are not a ClientHello, a ClientHello that cannot be parsed and a server name that
 * is not a host name go to the default context, whose engine refuses what it must with a proper
 * alert; the event then carries the parser's reason. A client that does not complete its
 * ClientHello within the default context's handshake timeout is disconnected.
 *
 * <p>Not sharable: one per channel.
 */
public final class SniTlsHandler extends ByteToMessageDecoder {
  /** A plaintext fatal alert record: unrecognized_name (112), before any record is sealed. */
  private static final byte[] UNRECOGNIZED_NAME = {21, 3, 3, 0, 2, 2, 112};

  private final SniMapping mapping;
  private final ClientHelloParser hello = new ClientHelloParser();
  private int parsed; // bytes after the reader index that the parser has seen; none are read
  private ScheduledFuture<?> deadline;
  private boolean
      refused; // a strict mapping refused the name: the rest is dropped, the channel closes

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
    if (refused) {
      in.skipBytes(in.readableBytes());
      return;
    }
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
    TlsContext chosen = mapping.choose(hello);
    if (chosen == null) {
      refuse(ctx, in);
      return;
    }
    ctx.pipeline().replace(this, ctx.name(), TlsHandler.server(chosen));
    // ByteToMessageDecoder hands the buffered bytes to the TlsHandler as it is removed.
    ctx.fireUserEventTriggered(
        problem != null
            ? new SniCompletionEvent(null, new SSLException(problem))
            : new SniCompletionEvent(hello.serverName()));
  }

  /** A strict mapping does not know the name: unrecognized_name (RFC 6066 section 3), closed. */
  private void refuse(ChannelHandlerContext ctx, ByteBuf in) {
    in.skipBytes(in.readableBytes());
    String name = hello.serverName() != null ? "'" + hello.serverName() + "'" : "a server name";
    String why =
        "the client asks for "
            + name
            + ", which this server does not serve (sniStrict): refused with unrecognized_name";
    ctx.writeAndFlush(Unpooled.wrappedBuffer(UNRECOGNIZED_NAME.clone()))
        .addListener(ChannelFutureListener.CLOSE);
    ctx.fireUserEventTriggered(new SniCompletionEvent(null, new SSLException(why)));
    refused = true;
    if (deadline != null) {
      deadline.cancel(false);
    }
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    if (deadline != null) {
      deadline.cancel(false);
    }
  }
}
