package io.niotls.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.niotls.context.Provider;
import io.niotls.testing.ChildProcess;
import io.niotls.testing.TestPki;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The README's example, run: Netty's HTTP codec behind a TlsHandler on 127.0.0.1, fetched by the
 * curl command line, which trusts only the test CA. curl must be installed (.ci/run installs it).
 */
class HttpsCurlTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("io.niotls.netty.Fixtures#providersAndProtocols")
  void curlFetchesAPageOverOurTls(Provider provider, String protocol) throws Exception {
    try (Loopback net = new Loopback()) {
      int port = serve(net, provider, protocol);
      Result r = curl(port, protocol, "/hello");
      assertThat(r.exit).as("curl said: %s", r.stderr).isZero();
      assertThat(r.stdout).isEqualTo("hello from niotls over " + protocol + ", path /hello\n");
    }
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("io.niotls.netty.Fixtures#providersAndProtocols")
  void curlPostsABodyThatArrivesWhole(Provider provider, String protocol) throws Exception {
    byte[] body = TlsHandlerRecordSplitTest.random(300_000, 5);
    Path upload = Files.write(dir.resolve("upload.bin"), body);
    CRC32 crc = new CRC32();
    crc.update(body);
    try (Loopback net = new Loopback()) {
      int port = serve(net, provider, protocol);
      Result r = curl(port, protocol, "/upload", "--data-binary", "@" + upload);
      assertThat(r.exit).as("curl said: %s", r.stderr).isZero();
      assertThat(r.stdout)
          .isEqualTo("received " + body.length + " bytes, crc32 " + crc.getValue() + "\n");
    }
  }

  private int serve(Loopback net, Provider provider, String protocol) {
    return net.listen(
        ch ->
            ch.pipeline()
                .addLast(TlsHandler.server(Fixtures.server(provider, protocol)))
                .addLast(new HttpServerCodec())
                .addLast(new HttpObjectAggregator(1 << 20))
                .addLast(new Hello()));
  }

  private Result curl(int port, String protocol, String path, String... extra)
      throws IOException, InterruptedException {
    Path ca = dir.resolve("ca.pem");
    TestPki.ec().ca().writeCertificatePem(ca);
    List<String> options =
        new java.util.ArrayList<>(
            List.of(
                protocol.equals("TLSv1.3") ? "--tlsv1.3" : "--tls-max",
                protocol.equals("TLSv1.3") ? "--http1.1" : "1.2"));
    options.addAll(List.of(extra));
    List<String> command =
        Curl.command(ca, port, "https://localhost:" + port + path, options.toArray(new String[0]));
    try (ChildProcess curl = ChildProcess.program(command.toArray(new String[0]))) {
      curl.endInput();
      int exit = curl.waitFor(Duration.ofSeconds(60));
      return new Result(exit, curl.out(), curl.err());
    }
  }

  private record Result(int exit, String stdout, String stderr) {}

  /** Answers GET with a greeting and POST with the body's size and CRC32, then closes. */
  private static final class Hello extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      String text;
      if (request.content().isReadable()) {
        CRC32 crc = new CRC32();
        crc.update(request.content().nioBuffer());
        text = "received " + request.content().readableBytes() + " bytes, crc32 " + crc.getValue();
      } else {
        String protocol = ctx.pipeline().get(TlsHandler.class).session().protocol();
        text = "hello from niotls over " + protocol + ", path " + request.uri();
      }
      ByteBuf content = Unpooled.copiedBuffer(text + "\n", StandardCharsets.UTF_8);
      FullHttpResponse response =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, content);
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
      response.headers().set(HttpHeaderNames.CONNECTION, "close");
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
