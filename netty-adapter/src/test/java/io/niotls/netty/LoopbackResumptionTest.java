package io.niotls.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.netty.LoopbackCloseTest.Conversation;
import io.niotls.testing.Contexts;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A second connection with the same contexts resumes the first one's session. */
class LoopbackResumptionTest {
  private static final long T = Loopback.TIMEOUT_SECONDS;

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("io.niotls.netty.Fixtures#providersAndProtocols")
  void ourClientResumesWithNettysServer(Provider provider, String protocol) throws Exception {
    TlsContext client = Contexts.client(provider, KeyType.EC_P256).protocols(protocol).build();
    SslContext server = NettyPeers.server(nettyProvider(provider), protocol);
    try (Loopback net = new Loopback()) {
      int port =
          net.listen(
              ch -> ch.pipeline().addLast(server.newHandler(ch.alloc()), new Conversation()));
      boolean[] resumed = new boolean[2];
      for (int i = 0; i < 2; i++) {
        Conversation ours = new Conversation();
        Channel ch =
            net.connect(p -> p.addLast(TlsHandler.client(client, "localhost", port), ours));
        Channel their = net.accepted();
        ours.established.get(T, TimeUnit.SECONDS);
        // a byte from the server carries TLS 1.3 tickets along, so the client has them cached
        their.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}));
        ours.firstByte.get(T, TimeUnit.SECONDS);
        resumed[i] = ch.pipeline().get(TlsHandler.class).session().resumed();
        ch.close().sync();
      }
      assertThat(resumed).containsExactly(false, true);
    }
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("io.niotls.netty.Fixtures#providersAndProtocols")
  void nettysClientResumesWithOurServer(Provider provider, String protocol) throws Exception {
    TlsContext server = Contexts.server(provider, KeyType.EC_P256).protocols(protocol).build();
    SslContext client = NettyPeers.client(nettyProvider(provider), protocol);
    try (Loopback net = new Loopback()) {
      int port =
          net.listen(ch -> ch.pipeline().addLast(TlsHandler.server(server), new Conversation()));
      boolean[] resumed = new boolean[2];
      for (int i = 0; i < 2; i++) {
        Conversation theirs = new Conversation();
        Channel ch =
            net.connect(
                p -> p.addLast(client.newHandler(p.channel().alloc(), "localhost", port), theirs));
        Channel our = net.accepted();
        theirs.established.get(T, TimeUnit.SECONDS);
        our.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}));
        theirs.firstByte.get(T, TimeUnit.SECONDS);
        resumed[i] = our.pipeline().get(TlsHandler.class).session().resumed();
        ch.close().sync();
      }
      assertThat(resumed).containsExactly(false, true);
    }
  }

  private static SslProvider nettyProvider(Provider provider) {
    return provider == Provider.JDK ? SslProvider.JDK : SslProvider.OPENSSL;
  }
}
