package io.niotls.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.util.ReferenceCountUtil;
import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.testing.Contexts;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A Netty HTTP/2 client behind a niotls client handler, writing HTTP/1-style requests through
 * {@code Http2StreamFrameToHttpObjectCodec}: the codec finds the handler as an {@code SslHandler}
 * and sends {@code :scheme https}, which the niotls HTTP/2 server sees.
 */
class Http2ClientSchemeTest {

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void theHttpObjectCodecSendsSchemeHttpsOverTheNiotlsHandler(Provider provider) throws Exception {
    CompletableFuture<String> scheme = new CompletableFuture<>();
    CompletableFuture<String> answer = new CompletableFuture<>();
    try (Loopback net = new Loopback()) {
      net.listen(
          ch ->
              ch.pipeline()
                  .addLast(
                      NiotlsSslContext.of(Http2AlpnTest.serverContext(provider))
                          .newHandler(ch.alloc()),
                      Http2FrameCodecBuilder.forServer().build(),
                      new Http2MultiplexHandler(new SchemeEcho(scheme))));
      Channel connection =
          net.connect(
              p ->
                  p.addLast(
                      TlsHandler.client(
                          Contexts.client(provider, KeyType.EC_P256)
                              .alpn(ApplicationProtocolNames.HTTP_2)
                              .sessionResumption(false)
                              .build(),
                          "localhost",
                          443),
                      Http2FrameCodecBuilder.forClient().build(),
                      new Http2MultiplexHandler(new ChannelInboundHandlerAdapter())));
      Http2StreamChannel stream =
          new Http2StreamChannelBootstrap(connection)
              .handler(
                  new io.netty.channel.ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel ch) {
                      ch.pipeline()
                          .addLast(
                              new Http2StreamFrameToHttpObjectCodec(false),
                              new HttpObjectAggregator(1 << 16),
                              new SimpleChannelInboundHandler<FullHttpResponse>() {
                                @Override
                                protected void channelRead0(
                                    ChannelHandlerContext ctx, FullHttpResponse response) {
                                  answer.complete(
                                      response.status().code()
                                          + " "
                                          + response.content().toString(StandardCharsets.UTF_8));
                                }
                              });
                    }
                  })
              .open()
              .get(Loopback.TIMEOUT_SECONDS, TimeUnit.SECONDS);
      DefaultFullHttpRequest request =
          new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/where");
      request.headers().set("host", "localhost");
      stream.writeAndFlush(request);
      assertThat(scheme.get(Loopback.TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo("https");
      assertThat(answer.get(Loopback.TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo("200 https");
    }
  }

  /** Answers each stream with the :scheme its request carried. */
  @ChannelHandler.Sharable
  private static final class SchemeEcho extends ChannelInboundHandlerAdapter {
    private final CompletableFuture<String> seen;

    SchemeEcho(CompletableFuture<String> seen) {
      this.seen = seen;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Http2HeadersFrame headers) {
        String scheme = String.valueOf(headers.headers().scheme());
        seen.complete(scheme);
        ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")));
        ctx.writeAndFlush(
            new DefaultHttp2DataFrame(
                io.netty.buffer.Unpooled.copiedBuffer(scheme, StandardCharsets.UTF_8), true));
      }
      ReferenceCountUtil.release(msg);
    }
  }
}
