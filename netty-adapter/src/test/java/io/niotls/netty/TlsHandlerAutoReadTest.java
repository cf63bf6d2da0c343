package io.niotls.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.niotls.context.Provider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * With autoRead off a channel reads only when asked. These tests deliver bytes the same way: only
 * after a read() reached the head of the pipeline. A handshake that forgot to ask would stall.
 */
class TlsHandlerAutoReadTest {

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providersAndProtocols")
  void theHandshakeAsksForTheReadsItNeedsWhenAutoReadIsOff(Provider provider, String protocol)
      throws Exception {
    ReadGate clientGate = new ReadGate();
    ReadGate serverGate = new ReadGate();
    EmbeddedChannel client =
        manualRead(
            clientGate, TlsHandler.client(Fixtures.client(provider, protocol), "localhost", 443));
    EmbeddedChannel server =
        manualRead(serverGate, TlsHandler.server(Fixtures.server(provider, protocol)));
    try (EmbeddedPair pair = new EmbeddedPair(Integer.MAX_VALUE, client, server)) {
      client.read(); // the application's one read, as in channelActive
      strictPump(client, clientGate, server, serverGate);

      TlsHandler clientTls = client.pipeline().get(TlsHandler.class);
      TlsHandler serverTls = server.pipeline().get(TlsHandler.class);
      assertThat(clientTls.handshakeFuture().isSuccess()).isTrue();
      assertThat(serverTls.handshakeFuture().isSuccess()).isTrue();

      server.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}));
      strictPump(client, clientGate, server, serverGate);
      assertThat(EmbeddedPair.readInbound(client))
          .as("the application's read is answered with data, not with handshake records")
          .containsExactly(1, 2, 3);

      server.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {4}));
      strictPump(client, clientGate, server, serverGate);
      assertThat(EmbeddedPair.readInbound(client)).as("no read asked for").isEmpty();
      client.read();
      strictPump(client, clientGate, server, serverGate);
      assertThat(EmbeddedPair.readInbound(client)).containsExactly(4);
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void aReadThatBringsOnlyPartOfARecordIsFollowedByAnother(Provider provider) throws Exception {
    ReadGate clientGate = new ReadGate();
    ReadGate serverGate = new ReadGate();
    EmbeddedChannel client =
        manualRead(
            clientGate, TlsHandler.client(Fixtures.client(provider, "TLSv1.3"), "localhost", 443));
    EmbeddedChannel server =
        manualRead(serverGate, TlsHandler.server(Fixtures.server(provider, "TLSv1.3")));
    try (EmbeddedPair pair = new EmbeddedPair(Integer.MAX_VALUE, client, server)) {
      strictPump(client, clientGate, server, serverGate);
      server.writeAndFlush(Unpooled.wrappedBuffer(new byte[1000]));
      byte[] record = TlsHandlerRecordSplitTest.drainOutbound(server);
      client.read();
      assertThat(clientGate.pending).isTrue();
      clientGate.pending = false;
      TlsHandlerRecordSplitTest.deliver(client, java.util.Arrays.copyOf(record, 100));
      assertThat(clientGate.pending).as("the user's read() is still unanswered").isTrue();
      clientGate.pending = false;
      TlsHandlerRecordSplitTest.deliver(
          client, java.util.Arrays.copyOfRange(record, 100, record.length));
      assertThat(EmbeddedPair.readInbound(client)).hasSize(1000);
    }
  }

  /** A channel with autoRead off from the start, the gate at the head of its pipeline. */
  static EmbeddedChannel manualRead(ReadGate gate, ChannelHandler tls) throws Exception {
    EmbeddedChannel channel = new EmbeddedChannel(false, false, gate, tls);
    channel.config().setAutoRead(false);
    channel.register();
    return channel;
  }

  /** Moves bytes to a side only when a read() is pending there, as a socket with autoRead off. */
  static void strictPump(EmbeddedChannel a, ReadGate aGate, EmbeddedChannel b, ReadGate bGate) {
    for (int round = 0; round < 100; round++) {
      boolean moved = move(a, b, bGate) | move(b, a, aGate);
      if (!moved) {
        return;
      }
    }
    throw new AssertionError("no quiet after 100 rounds");
  }

  private static boolean move(EmbeddedChannel from, EmbeddedChannel to, ReadGate gate) {
    if (from.outboundMessages().isEmpty() || !gate.pending) {
      return false;
    }
    gate.pending = false;
    ByteBuf all = Unpooled.directBuffer();
    for (Object msg = from.readOutbound(); msg != null; msg = from.readOutbound()) {
      all.writeBytes((ByteBuf) msg);
      ((ByteBuf) msg).release();
    }
    to.pipeline().fireChannelRead(all);
    to.pipeline().fireChannelReadComplete();
    to.runPendingTasks();
    return true;
  }

  /** Notes read() requests reaching the head: one pending request lets one read through. */
  static final class ReadGate extends ChannelOutboundHandlerAdapter {
    boolean pending;

    @Override
    public void read(ChannelHandlerContext ctx) {
      pending = true;
      ctx.read();
    }
  }
}
