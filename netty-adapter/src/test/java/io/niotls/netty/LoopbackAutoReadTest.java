package io.niotls.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import io.niotls.context.Provider;
import io.niotls.netty.LoopbackCloseTest.Conversation;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * With autoRead off on every channel, our side's application never calls read() and the handshake
 * still completes over real sockets; its first read() then brings data. (Netty's SslHandler, on the
 * other side, needs its application's usual read() when the channel becomes active.)
 */
class LoopbackAutoReadTest {
  private static final long T = Loopback.TIMEOUT_SECONDS;

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("io.niotls.netty.Fixtures#providersAndProtocols")
  void ourClientHandshakesWithoutAutoRead(Provider provider, String protocol) throws Exception {
    SslContext nettyServer = NettyPeers.server(netty(provider), protocol);
    Conversation ours = new Conversation();
    Conversation theirs = new Conversation().readOnActive();
    try (Loopback net = new Loopback().manualRead()) {
      int port =
          net.listen(ch -> ch.pipeline().addLast(nettyServer.newHandler(ch.alloc()), theirs));
      Channel our =
          net.connect(
              p ->
                  p.addLast(
                      TlsHandler.client(Fixtures.client(provider, protocol), "localhost", port),
                      ours));
      Channel their = net.accepted();
      ours.established.get(T, TimeUnit.SECONDS);
      theirs.established.get(T, TimeUnit.SECONDS);
      their.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {42}));
      our.read();
      assertThat(ours.firstByte.get(T, TimeUnit.SECONDS)).isEqualTo(42);
    }
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("io.niotls.netty.Fixtures#providersAndProtocols")
  void ourServerHandshakesWithoutAutoRead(Provider provider, String protocol) throws Exception {
    SslContext nettyClient = NettyPeers.client(netty(provider), protocol);
    Conversation ours = new Conversation();
    Conversation theirs = new Conversation().readOnActive();
    try (Loopback net = new Loopback().manualRead()) {
      int port =
          net.listen(
              ch ->
                  ch.pipeline()
                      .addLast(TlsHandler.server(Fixtures.server(provider, protocol)), ours));
      Channel their =
          net.connect(
              p ->
                  p.addLast(
                      nettyClient.newHandler(p.channel().alloc(), "localhost", port), theirs));
      Channel our = net.accepted();
      ours.established.get(T, TimeUnit.SECONDS);
      theirs.established.get(T, TimeUnit.SECONDS);
      their.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {7}));
      our.read();
      assertThat(ours.firstByte.get(T, TimeUnit.SECONDS)).isEqualTo(7);
    }
  }

  private static SslProvider netty(Provider provider) {
    return provider == Provider.JDK ? SslProvider.JDK : SslProvider.OPENSSL;
  }
}
