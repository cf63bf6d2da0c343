package io.niotls.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import io.niotls.context.Provider;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * 64 MiB each way at once over real sockets between our handler and Netty's SslHandler, in both
 * roles, with every pairing of providers and both protocol versions; CRC32 on both ends.
 */
class LoopbackBulkTest {
  private static final long SIZE = 64L << 20;

  static Stream<Arguments> pairings() {
    List<Arguments> all = new ArrayList<>();
    for (boolean ourClient : new boolean[] {true, false}) {
      for (Provider ours : Fixtures.providers().toList()) {
        for (SslProvider netty : new SslProvider[] {SslProvider.JDK, SslProvider.OPENSSL}) {
          for (String protocol : Fixtures.PROTOCOLS) {
            all.add(Arguments.of(ourClient ? "our client" : "our server", ours, netty, protocol));
          }
        }
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0}, niotls {1}, Netty {2}, {3}")
  @MethodSource("pairings")
  void sixtyFourMebibytesCrossEachWayIntact(
      String role, Provider ours, SslProvider netty, String protocol) throws Exception {
    boolean ourClient = role.equals("our client");
    Streamer clientStream = new Streamer(SIZE);
    Streamer serverStream = new Streamer(SIZE);
    try (Loopback net = new Loopback()) {
      SslContext nettyContext =
          ourClient ? NettyPeers.server(netty, protocol) : NettyPeers.client(netty, protocol);
      int port =
          net.listen(
              ch ->
                  ch.pipeline()
                      .addLast(
                          ourClient
                              ? nettyContext.newHandler(ch.alloc())
                              : TlsHandler.server(Fixtures.server(ours, protocol)),
                          serverStream));
      Channel client =
          net.connect(
              p ->
                  p.addLast(
                      ourClient
                          ? TlsHandler.client(Fixtures.client(ours, protocol), "localhost", port)
                          : nettyContext.newHandler(p.channel().alloc(), "localhost", port),
                      clientStream));
      long timeout = Loopback.TIMEOUT_SECONDS;
      assertThat(serverStream.received.get(timeout, TimeUnit.SECONDS))
          .isEqualTo(clientStream.sent.get(timeout, TimeUnit.SECONDS));
      assertThat(clientStream.received.get(timeout, TimeUnit.SECONDS))
          .isEqualTo(serverStream.sent.get(timeout, TimeUnit.SECONDS));
      client.close().sync();
    }
  }
}
