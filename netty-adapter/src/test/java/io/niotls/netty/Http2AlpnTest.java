package io.niotls.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslHandler;
import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.testing.TestPki;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Netty's HTTP/2 server exactly as Netty documents it — {@link
 * ApplicationProtocolNegotiationHandler} choosing {@code Http2FrameCodec} + {@code
 * Http2MultiplexHandler} for h2 and the HTTP/1.1 codec otherwise — behind the niotls handler made
 * by {@link NiotlsSslContext}, judged by curl and h2load (.ci/run installs both).
 */
class Http2AlpnTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void curlNegotiatesH2OrHttp11AndGets200EachWay(Provider provider) throws Exception {
    try (Loopback net = new Loopback()) {
      int port = serve(net, provider);
      assertThat(curl(port, "--http2")).isEqualTo("hello over h2\n2 200");
      assertThat(curl(port, "--http1.1")).isEqualTo("hello over http/1.1\n1.1 200");
      assertThat(curl(port, "--no-alpn")).isEqualTo("hello over http/1.1\n1.1 200");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void h2loadCompletesTenThousandRequestsOverTwentyConnectionsWithoutError(Provider provider)
      throws Exception {
    try (Loopback net = new Loopback()) {
      int port = serve(net, provider);
      Command r =
          Command.run(
              120,
              List.of(
                  "h2load",
                  "-n",
                  "10000",
                  "-c",
                  "20",
                  "-m",
                  "10",
                  "https://127.0.0.1:" + port + "/"));
      assertThat(r.exit()).as("h2load said: %s%s", r.stdout(), r.stderr()).isZero();
      assertThat(r.stdout())
          .as(r.stdout())
          .contains("Application protocol: h2")
          .contains("10000 succeeded, 0 failed, 0 errored, 0 timeout")
          .contains("status codes: 10000 2xx");
    }
  }

  static TlsContext serverContext(Provider provider) {
    return Contexts.server(provider, KeyType.EC_P256)
        .alpn(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1)
        .sessionResumption(false)
        .build();
  }

  private static int serve(Loopback net, Provider provider) {
    NiotlsSslContext ssl = NiotlsSslContext.of(serverContext(provider));
    return net.listen(
        ch -> ch.pipeline().addLast(ssl.newHandler(ch.alloc()), new Http2OrHttpHandler()));
  }

  private String curl(int port, String... options) throws Exception {
    Path ca = dir.resolve("ca.pem");
    TestPki.of(KeyType.EC_P256).ca().writeCertificatePem(ca);
    List<String> all = new ArrayList<>(List.of("--write-out", "%{http_version} %{http_code}"));
    all.addAll(List.of(options));
    List<String> command =
        Curl.command(ca, port, "https://localhost:" + port + "/", all.toArray(new String[0]));
    Command r = Command.run(60, command);
    assertThat(r.exit()).as("curl %s said: %s", List.of(options), r.stderr()).isZero();
    return r.stdout().stripTrailing(); // --write-out ends without a newline
  }

  /** The documented server, checking on the way that the SslHandler it finds is niotls's. */
  private static final class Http2OrHttpHandler extends HelloHttp2 {
    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
      if (!(ctx.pipeline().get(SslHandler.class) instanceof TlsHandler)) {
        throw new IllegalStateException("the SslHandler found is not niotls's");
      }
      super.configurePipeline(ctx, protocol);
    }
  }
}
