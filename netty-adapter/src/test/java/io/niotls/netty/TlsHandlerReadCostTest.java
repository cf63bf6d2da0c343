package io.niotls.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslProvider;
import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.hostile.Records;
import io.niotls.testing.Contexts;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What reading costs the handler in pooled network buffers: a read that brings whole records is
 * decrypted from the channel's buffer in place when the provider reads that kind of buffer fastest
 * (BoringSSL and direct buffers), and the handler stops asking the engine once every byte is
 * decrypted; the small records of one read reach the next handler as one buffer, as Netty's
 * SslHandler passes them on over OpenSSL's engine.
 */
class TlsHandlerReadCostTest {

  @ParameterizedTest
  @CsvSource({
    "OPENSSL, TLSv1.3, 0",
    "OPENSSL, TLSv1.2, 0",
    "BORINGSSL, TLSv1.3, 0",
    "BORINGSSL, TLSv1.2, 0",
    "JDK, TLSv1.3, 1",
    "JDK, TLSv1.2, 1"
  })
  void aReadOfWholeRecordsTakesNoNetworkBufferWhereItCanBeReadInPlace(
      Provider provider, String protocol, long expected) {
    TlsContext clientContext =
        Contexts.client(provider, KeyType.EC_P256).protocols(protocol).build();
    TlsContext serverContext =
        Contexts.server(provider, KeyType.EC_P256).protocols(protocol).build();
    try (EmbeddedPair pair =
        EmbeddedPair.of(
            TlsHandler.client(clientContext, "localhost", 443), TlsHandler.server(serverContext))) {
      pair.pumpUntilQuiet();
      // BoringSSL's TLS 1.3 server sends its session tickets with its first write
      pair.server.writeAndFlush(ByteBufAllocator.DEFAULT.directBuffer(1).writeZero(1));
      pair.pumpUntilQuiet();
      EmbeddedPair.discardInbound(pair.client);

      long before = clientContext.bufferPool().acquired();
      pair.server.writeAndFlush(ByteBufAllocator.DEFAULT.directBuffer(3000).writeZero(3000));
      pair.pumpUntilQuiet();

      assertThat(EmbeddedPair.discardInbound(pair.client)).isEqualTo(3000);
      assertThat(clientContext.bufferPool().acquired() - before)
          .as("network buffers the client took to read one record")
          .isEqualTo(expected);
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providersAndProtocols")
  void theSmallRecordsOfOneReadArePassedOnAsOneBufferAndOneReadCompleteLikeSslHandlerOrFewer(
      Provider provider, String protocol) {
    TlsHandler client = TlsHandler.client(Fixtures.client(provider, protocol), "localhost", 443);
    TlsHandler server = TlsHandler.server(Fixtures.server(provider, protocol));
    ReadEvents ours;
    try (EmbeddedPair pair = EmbeddedPair.of(client, server)) {
      ours = tenSmallRecordsInOneRead(pair);
    }
    SslProvider netty = provider == Provider.JDK ? SslProvider.JDK : SslProvider.OPENSSL;
    ReadEvents theirs;
    try (EmbeddedPair pair =
        EmbeddedPair.of(
            NettyPeers.client(netty, protocol)
                .newHandler(ByteBufAllocator.DEFAULT, "localhost", 443),
            NettyPeers.server(netty, protocol).newHandler(ByteBufAllocator.DEFAULT))) {
      theirs = tenSmallRecordsInOneRead(pair);
    }

    assertThat(ours.reads).as("channelRead events TlsHandler passed on").isEqualTo(1);
    assertThat(ours.readCompletes).as("its channelReadComplete events").isEqualTo(1);
    // SslHandler passes them on as one over OpenSSL's engine, record by record over the JDK's
    assertThat(theirs.reads)
        .as("channelRead events SslHandler passed on")
        .isGreaterThanOrEqualTo(1);
    assertThat(theirs.readCompletes).as("its channelReadComplete events").isEqualTo(1);
  }

  /**
   * The server answers ten times, HTTP/2-sized, flushing each: ten records, which the client gets
   * in one socket read and must deliver whole. Returns the read events after the client's handler.
   */
  private static ReadEvents tenSmallRecordsInOneRead(EmbeddedPair pair) {
    pair.pumpUntilQuiet();
    pair.server.writeAndFlush(Unpooled.wrappedBuffer(new byte[1])); // TLS 1.3 tickets go first
    pair.pumpUntilQuiet();
    EmbeddedPair.discardInbound(pair.client);
    ReadEvents events = new ReadEvents();
    pair.client.pipeline().addLast(events);

    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    for (int i = 0; i < 10; i++) {
      byte[] answer = TlsHandlerRecordSplitTest.random(30 + i * 11, i);
      sent.writeBytes(answer);
      pair.server.writeAndFlush(Unpooled.wrappedBuffer(answer));
    }
    byte[] ciphertext = TlsHandlerRecordSplitTest.drainOutbound(pair.server);
    assertThat(Records.parseWhole(ciphertext)).hasSize(10);
    TlsHandlerRecordSplitTest.deliver(pair.client, ciphertext);
    assertThat(EmbeddedPair.readInbound(pair.client)).isEqualTo(sent.toByteArray());
    return events;
  }

  /** Counts the read events that reach it, and passes them on. */
  private static final class ReadEvents extends ChannelInboundHandlerAdapter {
    int reads;
    int readCompletes;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      reads++;
      ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      readCompletes++;
      ctx.fireChannelReadComplete();
    }
  }
}
