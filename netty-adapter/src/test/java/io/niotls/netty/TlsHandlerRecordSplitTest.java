package io.niotls.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.niotls.context.Provider;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Records arrive as the network cuts them: byte by byte, split anywhere, many in one read. */
class TlsHandlerRecordSplitTest {

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providersAndProtocols")
  void handshakeAndDataSurviveOneByteReads(Provider provider, String protocol) {
    TlsHandler client = TlsHandler.client(Fixtures.client(provider, protocol), "localhost", 443);
    TlsHandler server = TlsHandler.server(Fixtures.server(provider, protocol));
    try (EmbeddedPair pair =
        new EmbeddedPair(1, new ChannelHandler[] {client}, new ChannelHandler[] {server})) {
      pair.pumpUntilQuiet();
      assertThat(client.handshakeFuture().isSuccess()).isTrue();
      assertThat(server.handshakeFuture().isSuccess()).isTrue();

      byte[] data = random(5_000, 1);
      pair.client.writeAndFlush(Unpooled.wrappedBuffer(data));
      pair.server.writeAndFlush(Unpooled.wrappedBuffer(data));
      pair.pumpUntilQuiet();
      assertThat(EmbeddedPair.readInbound(pair.server)).isEqualTo(data);
      assertThat(EmbeddedPair.readInbound(pair.client)).isEqualTo(data);
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providersAndProtocols")
  void recordsSplitAtEveryByteBoundaryArriveWhole(Provider provider, String protocol) {
    TlsHandler client = TlsHandler.client(Fixtures.client(provider, protocol), "localhost", 443);
    TlsHandler server = TlsHandler.server(Fixtures.server(provider, protocol));
    int[] sizes = {100, 1, 257};
    try (EmbeddedPair pair = EmbeddedPair.of(client, server)) {
      pair.pumpUntilQuiet();
      // BoringSSL sends its TLS 1.3 session tickets with the first write: get them out of the way
      pair.server.writeAndFlush(Unpooled.wrappedBuffer(new byte[1]));
      pair.pumpUntilQuiet();
      assertThat(EmbeddedPair.readInbound(pair.client)).hasSize(1);
      int length = -1;
      for (int cut = 1; length < 0 || cut < length; cut++) {
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        for (int i = 0; i < sizes.length; i++) {
          byte[] message = random(sizes[i], cut * 31L + i);
          sent.writeBytes(message);
          pair.server.writeAndFlush(Unpooled.wrappedBuffer(message)); // one record each
        }
        byte[] ciphertext = drainOutbound(pair.server);
        if (length < 0) {
          length = ciphertext.length;
        }
        assertThat(ciphertext).hasSize(length);
        deliver(pair.client, Arrays.copyOfRange(ciphertext, 0, cut));
        deliver(pair.client, Arrays.copyOfRange(ciphertext, cut, length));
        assertThat(EmbeddedPair.readInbound(pair.client))
            .as("split after byte %d of %d", cut, length)
            .isEqualTo(sent.toByteArray());
      }
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providersAndProtocols")
  void manyRecordsInOneReadAreAllDecrypted(Provider provider, String protocol) {
    TlsHandler client = TlsHandler.client(Fixtures.client(provider, protocol), "localhost", 443);
    TlsHandler server = TlsHandler.server(Fixtures.server(provider, protocol));
    try (EmbeddedPair pair = EmbeddedPair.of(client, server)) {
      pair.pumpUntilQuiet();
      ByteArrayOutputStream sent = new ByteArrayOutputStream();
      for (int i = 0; i < 300; i++) {
        byte[] message = random(1 + i * 7, i);
        sent.writeBytes(message);
        pair.server.writeAndFlush(Unpooled.wrappedBuffer(message));
      }
      byte[] big = random(1 << 20, 99); // 64 full records more
      sent.writeBytes(big);
      pair.server.writeAndFlush(Unpooled.wrappedBuffer(big));
      deliver(pair.client, drainOutbound(pair.server));
      assertThat(EmbeddedPair.readInbound(pair.client)).isEqualTo(sent.toByteArray());
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void aCompositeReadIsDecryptedLikeAContiguousOne(Provider provider) {
    TlsHandler client = TlsHandler.client(Fixtures.client(provider, "TLSv1.3"), "localhost", 443);
    TlsHandler server = TlsHandler.server(Fixtures.server(provider, "TLSv1.3"));
    try (EmbeddedPair pair = EmbeddedPair.of(client, server)) {
      pair.pumpUntilQuiet();
      // three records, cut into components inside the first header, inside a body, inside the
      // second header and right after the third: each component is scanned on its own
      byte[] data = random(9000, 7);
      int[] recordEnds = new int[3];
      ByteArrayOutputStream stream = new ByteArrayOutputStream();
      for (int i = 0; i < 3; i++) {
        pair.server.writeAndFlush(Unpooled.wrappedBuffer(data, i * 3000, 3000));
        stream.writeBytes(drainOutbound(pair.server));
        recordEnds[i] = stream.size();
      }
      byte[] ciphertext = stream.toByteArray();
      int[] cuts = {0, 2, 1000, recordEnds[0] + 3, recordEnds[1] + 5, ciphertext.length};
      CompositeByteBuf composite = ByteBufAllocator.DEFAULT.compositeBuffer();
      for (int i = 0; i + 1 < cuts.length; i++) {
        composite.addComponent(
            true, Unpooled.wrappedBuffer(ciphertext, cuts[i], cuts[i + 1] - cuts[i]));
      }
      assertThat(composite.nioBufferCount()).isEqualTo(cuts.length - 1);
      pair.client.pipeline().fireChannelRead(composite);
      pair.client.pipeline().fireChannelReadComplete();
      assertThat(EmbeddedPair.readInbound(pair.client)).isEqualTo(data);
    }
  }

  static byte[] drainOutbound(EmbeddedChannel channel) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (Object msg = channel.readOutbound(); msg != null; msg = channel.readOutbound()) {
      ByteBuf buf = (ByteBuf) msg;
      byte[] b = new byte[buf.readableBytes()];
      buf.readBytes(b);
      buf.release();
      bytes.writeBytes(b);
    }
    return bytes.toByteArray();
  }

  /** One channelRead (from a direct buffer, as a socket gives) and its channelReadComplete. */
  static void deliver(EmbeddedChannel channel, byte[] bytes) {
    channel.pipeline().fireChannelRead(ByteBufAllocator.DEFAULT.directBuffer().writeBytes(bytes));
    channel.pipeline().fireChannelReadComplete();
    channel.runPendingTasks();
  }

  static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }
}
