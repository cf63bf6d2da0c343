package io.niotls.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.niotls.context.OcspResponse;
import io.niotls.context.Pem;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.OpensslCa;
import io.niotls.testing.OpensslServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link OcspStaplingHandler} behind a client {@link TlsHandler}, every provider, against {@code
 * openssl s_server -status_file}: a good response lets the handshake through and is readable from
 * the handler's session; none, or a revoked one, fails the channel with the reason before the
 * application hears of a handshake.
 */
class OcspStaplingHandlerTest {
  private static final Duration LIMIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private OpensslCa ca;
  private Path leaf;
  private final EventLoopGroup group = new NioEventLoopGroup(1);

  @BeforeEach
  void pki() throws Exception {
    ca = OpensslCa.root(dir.resolve("ca"), "niotls adapter OCSP CA");
    leaf = ca.leaf("server");
  }

  @AfterEach
  void stop() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(30, TimeUnit.SECONDS);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.testing.Matrix#providers")
  void aGoodStapledResponsePassesAndIsReadableFromTheHandler(Provider provider) throws Exception {
    Path good = ca.ocspResponse(leaf, "good.der");
    try (OpensslServerProcess server = opensslServer("-status_file", good.toString())) {
      Seen seen = connect(provider, server);
      Object first = seen.next();
      assertThat(first).isInstanceOf(SslHandshakeCompletionEvent.class);
      assertThat(((SslHandshakeCompletionEvent) first).isSuccess()).isTrue();
      OcspResponse stapled = OcspStaplingHandler.stapledResponse(seen.handler);
      assertThat(stapled).isNotNull();
      assertThat(stapled.bytes()).isEqualTo(Files.readAllBytes(good));
      assertThat(stapled.certStatus()).isEqualTo("good");
      assertThat(seen.channel.pipeline().get(OcspStaplingHandler.class)).isNull();
      seen.channel.close().awaitUninterruptibly(LIMIT.toMillis());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.testing.Matrix#providers")
  void noStapledResponseFailsTheChannelWithTheReason(Provider provider) throws Exception {
    try (OpensslServerProcess server = opensslServer()) {
      Seen seen = connect(provider, server);
      Object first = seen.next();
      assertThat(first).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
      assertThat(((Throwable) first).getMessage())
          .contains("the server stapled no OCSP response for CN=localhost");
      assertThat(seen.channel.closeFuture().await(LIMIT.toMillis())).isTrue();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.testing.Matrix#providers")
  void aRevokedStapledResponseFailsTheChannelWithTheReason(Provider provider) throws Exception {
    ca.revoke(leaf);
    Path revoked = ca.ocspResponse(leaf, "revoked.der");
    try (OpensslServerProcess server = opensslServer("-status_file", revoked.toString())) {
      Seen seen = connect(provider, server);
      Object first = seen.next();
      assertThat(first).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
      assertThat(((Throwable) first).getMessage())
          .contains("certificate CN=localhost is revoked (stapled OCSP response");
      assertThat(seen.channel.closeFuture().await(LIMIT.toMillis())).isTrue();
    }
  }

  /** What reached the handler behind the OCSP handler: events and exceptions, in order. */
  private record Seen(Channel channel, SslHandler handler, BlockingQueue<Object> events) {
    Object next() throws InterruptedException {
      Object event = events.poll(LIMIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(event).as("an event within %s", LIMIT).isNotNull();
      return event;
    }
  }

  private Seen connect(Provider provider, OpensslServerProcess server) throws Exception {
    int port = server.port();
    TlsContext context =
        TlsContext.forClient()
            .provider(provider)
            .trustPem(ca.certificate())
            .requestOcspStapling()
            .build();
    TlsHandler handler = TlsHandler.client(context, "localhost", port);
    BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    Channel channel =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(handler)
                        .addLast(new OcspStaplingHandler(Pem.readCertificates(ca.certificate())))
                        .addLast(
                            new ChannelInboundHandlerAdapter() {
                              @Override
                              public void userEventTriggered(
                                  ChannelHandlerContext ctx, Object evt) {
                                if (evt instanceof SslHandshakeCompletionEvent) {
                                  events.add(evt);
                                }
                              }

                              @Override
                              public void exceptionCaught(
                                  ChannelHandlerContext ctx, Throwable cause) {
                                events.add(cause);
                              }
                            });
                  }
                })
            .connect("127.0.0.1", port)
            .syncUninterruptibly()
            .channel();
    return new Seen(channel, handler, events);
  }

  private OpensslServerProcess opensslServer(String... more) throws Exception {
    List<String> options =
        new ArrayList<>(
            List.of("-cert", leaf.toString(), "-key", ca.file("server.key").toString()));
    options.addAll(List.of(more));
    return OpensslServerProcess.start(dir, 1, options.toArray(new String[0]));
  }
}
