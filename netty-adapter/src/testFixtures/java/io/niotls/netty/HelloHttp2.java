package io.niotls.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/**
 * Netty's HTTP/2 server exactly as Netty documents it, behind whatever TLS handler is first in the
 * pipeline (niotls's or Netty's own {@code SslHandler}): {@link
 * ApplicationProtocolNegotiationHandler} chooses {@code Http2FrameCodec} + {@code
 * Http2MultiplexHandler} for h2 and the HTTP/1.1 codec otherwise. Every request is answered 200
 * with one line of text naming the protocol ({@code hello over h2} or {@code hello over http/1.1}).
 * The adapter's HTTP/2 tests and the h2load benchmark serve it.
 */
public class HelloHttp2 extends ApplicationProtocolNegotiationHandler {

  public HelloHttp2() {
    super(ApplicationProtocolNames.HTTP_1_1);
  }

  @Override
  protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
    if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
      ctx.pipeline()
          .addLast(
              Http2FrameCodecBuilder.forServer().build(),
              new Http2MultiplexHandler(Stream.INSTANCE));
    } else if (ApplicationProtocolNames.HTTP_1_1.equals(protocol)) {
      ctx.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 16), new Http1());
    } else {
      throw new IllegalStateException("unknown protocol: " + protocol);
    }
  }

  /** One HTTP/2 stream: answers its request with 200 and a line of text. */
  @ChannelHandler.Sharable
  private static final class Stream extends ChannelInboundHandlerAdapter {
    static final Stream INSTANCE = new Stream();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      boolean end =
          (msg instanceof Http2HeadersFrame h && h.isEndStream())
              || (msg instanceof Http2DataFrame d && d.isEndStream());
      ReferenceCountUtil.release(msg);
      if (end) {
        ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")));
        ByteBuf body = Unpooled.copiedBuffer("hello over h2\n", StandardCharsets.UTF_8);
        ctx.writeAndFlush(new DefaultHttp2DataFrame(body, true));
      }
    }
  }

  /** HTTP/1.1: 200 and a line of text, keep-alive as the client asked. */
  private static final class Http1 extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      ByteBuf body = Unpooled.copiedBuffer("hello over http/1.1\n", StandardCharsets.UTF_8);
      DefaultFullHttpResponse response =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      HttpUtil.setKeepAlive(response, keepAlive);
      var written = ctx.writeAndFlush(response);
      if (!keepAlive) {
        written.addListener(ChannelFutureListener.CLOSE);
      }
    }
  }
}
