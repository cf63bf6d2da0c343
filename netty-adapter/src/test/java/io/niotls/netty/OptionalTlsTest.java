package io.niotls.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.OptionalSslHandler;
import io.netty.handler.ssl.SslHandler;
import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.testing.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TLS or plaintext on one port: Netty's own {@link OptionalSslHandler} given a {@link
 * NiotlsSslContext} puts a niotls handler in its place when the first bytes are a TLS record, and
 * steps aside otherwise. curl fetches the same page over https and http.
 */
class OptionalTlsTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void oneServesTlsAndPlaintextOnOnePortThroughNettysOptionalSslHandler(Provider provider)
      throws Exception {
    NiotlsSslContext ssl = NiotlsSslContext.of(Fixtures.server(provider, "TLSv1.3"));
    Path ca = dir.resolve("ca.pem");
    TestPki.of(KeyType.EC_P256).ca().writeCertificatePem(ca);
    try (Loopback net = new Loopback()) {
      int port =
          net.listen(
              ch ->
                  ch.pipeline()
                      .addLast(
                          new OptionalSslHandler(ssl),
                          new HttpServerCodec(),
                          new HttpObjectAggregator(1 << 16),
                          new Which()));
      for (String scheme : List.of("https", "http")) {
        Command r = Command.run(60, Curl.command(ca, port, scheme + "://localhost:" + port + "/"));
        assertThat(r.exit()).as("curl %s said: %s", scheme, r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo(scheme.equals("https") ? "over niotls TLS\n" : "plain\n");
      }
    }
  }

  /** Says whether the request came over niotls's TLS. */
  private static final class Which extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      String text =
          ctx.pipeline().get(SslHandler.class) instanceof TlsHandler ? "over niotls TLS" : "plain";
      ByteBuf body = Unpooled.copiedBuffer(text + "\n", StandardCharsets.UTF_8);
      DefaultFullHttpResponse response =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
      response.headers().set(HttpHeaderNames.CONNECTION, "close");
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
