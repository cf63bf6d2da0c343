package io.niotls.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import io.niotls.context.Provider;
import io.niotls.engine.Status;
import io.niotls.engine.TlsException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** close_notify between our handler and Netty's SslHandler over real sockets, in both orders. */
class LoopbackCloseTest {
  private static final long T = Loopback.TIMEOUT_SECONDS;

  static Stream<Arguments> orders() {
    List<Arguments> all = new ArrayList<>();
    for (String role : new String[] {"our client", "our server"}) {
      for (String first : new String[] {"we close first", "Netty closes first"}) {
        for (Provider provider : Fixtures.providers().toList()) {
          for (String protocol : Fixtures.PROTOCOLS) {
            all.add(Arguments.of(role, first, provider, protocol));
          }
        }
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0}, {1}, {2}, {3}")
  @MethodSource("orders")
  void whoeverClosesSecondSeesACloseNotifyAndBothChannelsClose(
      String role, String first, Provider provider, String protocol) throws Exception {
    boolean ourClient = role.equals("our client");
    boolean weCloseFirst = first.equals("we close first");
    Conversation ours = new Conversation();
    Conversation theirs = new Conversation();
    try (Loopback net = new Loopback()) {
      Channel[] pair = connect(net, ourClient, provider, protocol, ours, theirs);
      Channel our = pair[0];
      Channel their = pair[1];
      ours.established.get(T, TimeUnit.SECONDS);
      theirs.established.get(T, TimeUnit.SECONDS);
      // one message each way first, so TLS 1.3 session tickets are behind us
      their.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}));
      our.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {2}));
      assertThat(ours.firstByte.get(T, TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(theirs.firstByte.get(T, TimeUnit.SECONDS)).isEqualTo(2);

      (weCloseFirst ? our : their).close();
      Conversation second = weCloseFirst ? theirs : ours;
      assertThat(second.closeEvent.get(T, TimeUnit.SECONDS).isSuccess())
          .as("the second to close got close_notify: %s", second.closeEvent.getNow(null))
          .isTrue();
      assertThat(our.closeFuture().await(T, TimeUnit.SECONDS)).isTrue();
      assertThat(their.closeFuture().await(T, TimeUnit.SECONDS)).isTrue();
      if (!weCloseFirst) {
        assertThat(ours.closeEvent.get()).isEqualTo(SslCloseCompletionEvent.SUCCESS);
        assertThat(ours.tls.sslCloseFuture().isSuccess()).isTrue();
      }
    }
  }

  @Test
  void afterOurHalfCloseNettyKeepsSendingUntilItClosesToo() throws Exception {
    Conversation ours = new Conversation();
    Conversation theirs = new Conversation().answerCloseWith(1 << 20);
    try (Loopback net = new Loopback()) {
      Channel[] pair = connect(net, true, Provider.JDK, "TLSv1.3", ours, theirs);
      ours.established.get(T, TimeUnit.SECONDS);
      TlsHandler tls = pair[0].pipeline().get(TlsHandler.class);
      tls.closeOutbound().sync();
      assertThat(ours.closeEvent.get(T, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(ours.received).isEqualTo(1 << 20);
      assertThat(tls.sslCloseFuture().isSuccess()).isTrue();
    }
  }

  @Test
  void afterNettysHalfCloseWeKeepSendingUntilWeCloseToo() throws Exception {
    Conversation ours = new Conversation().answerCloseWith(1 << 20);
    Conversation theirs = new Conversation();
    try (Loopback net = new Loopback()) {
      Channel[] pair = connect(net, true, Provider.JDK, "TLSv1.3", ours, theirs);
      theirs.established.get(T, TimeUnit.SECONDS);
      pair[1].pipeline().get(SslHandler.class).closeOutbound().sync();
      assertThat(theirs.closeEvent.get(T, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(theirs.received).isEqualTo(1 << 20);
    }
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("io.niotls.netty.Fixtures#providersAndProtocols")
  void aPeerThatDropsTheConnectionWithoutCloseNotifyIsReportedAsTruncation(
      Provider provider, String protocol) throws Exception {
    Conversation ours = new Conversation();
    Conversation theirs = new Conversation();
    try (Loopback net = new Loopback()) {
      Channel[] pair = connect(net, false, provider, protocol, ours, theirs);
      theirs.established.get(T, TimeUnit.SECONDS);
      Channel their = pair[1];
      their.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {9})).sync();
      assertThat(ours.firstByte.get(T, TimeUnit.SECONDS)).isEqualTo(9);
      their
          .eventLoop()
          .submit(
              () -> {
                their.pipeline().remove(SslHandler.class); // so no close_notify goes out
                return their.close();
              })
          .sync();
      SslCloseCompletionEvent event = ours.closeEvent.get(T, TimeUnit.SECONDS);
      assertThat(event.cause())
          .isInstanceOfSatisfying(
              TlsException.class, e -> assertThat(e.status()).isEqualTo(Status.SYSCALL))
          .hasMessageContaining("truncated");
    }
  }

  /**
   * Connects our handler and Netty's; returns {our channel, their channel}. Ours uses JDK or
   * OpenSSL as asked, and Netty's SslHandler the same provider.
   */
  static Channel[] connect(
      Loopback net,
      boolean ourClient,
      Provider provider,
      String protocol,
      Conversation ours,
      Conversation theirs)
      throws InterruptedException {
    SslProvider netty = provider == Provider.JDK ? SslProvider.JDK : SslProvider.OPENSSL;
    SslContext nettyContext =
        ourClient ? NettyPeers.server(netty, protocol) : NettyPeers.client(netty, protocol);
    int port =
        net.listen(
            ch -> {
              ChannelHandler tls =
                  ourClient
                      ? nettyContext.newHandler(ch.alloc())
                      : TlsHandler.server(Fixtures.server(provider, protocol));
              ch.pipeline().addLast(tls, ourClient ? theirs : ours);
            });
    Channel client =
        net.connect(
            p ->
                p.addLast(
                    ourClient
                        ? TlsHandler.client(Fixtures.client(provider, protocol), "localhost", port)
                        : nettyContext.newHandler(p.channel().alloc(), "localhost", port),
                    ourClient ? ours : theirs));
    Channel server = net.accepted();
    return ourClient ? new Channel[] {client, server} : new Channel[] {server, client};
  }

  /**
   * The application side of one end: notes the handshake, the first byte, the bytes received and
   * the close event; on the peer's close_notify it may send some bytes before closing, and it
   * closes its channel then, as Netty applications do.
   */
  static final class Conversation extends ChannelInboundHandlerAdapter {
    final CompletableFuture<Void> established = new CompletableFuture<>();
    final CompletableFuture<Integer> firstByte = new CompletableFuture<>();
    final CompletableFuture<SslCloseCompletionEvent> closeEvent = new CompletableFuture<>();
    volatile long received;
    volatile TlsHandler tls;
    private int answer;

    private boolean readOnActive;

    Conversation answerCloseWith(int bytes) {
      answer = bytes;
      return this;
    }

    /** Calls read() once when the channel becomes active, as autoRead-off applications do. */
    Conversation readOnActive() {
      readOnActive = true;
      return this;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      if (readOnActive) {
        ctx.read();
      }
      ctx.fireChannelActive();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      tls = ctx.pipeline().get(TlsHandler.class);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof SslHandshakeCompletionEvent e) {
        if (e.isSuccess()) {
          established.complete(null);
        } else {
          established.completeExceptionally(e.cause());
        }
      } else if (evt instanceof SslCloseCompletionEvent e) {
        closeEvent.complete(e);
        if (e.isSuccess() && answer > 0) {
          ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[answer]));
        }
        ctx.close();
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      if (buf.isReadable()) {
        firstByte.complete((int) buf.getByte(buf.readerIndex()));
      }
      received += buf.readableBytes();
      buf.release();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      established.completeExceptionally(cause);
      ctx.close();
    }
  }
}
