package io.niotls.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.niotls.context.Provider;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Files written the two ways Netty code writes them, over real sockets: a {@code FileRegion} (read
 * and encrypted by the handler) and a {@code ChunkedNioFile} through a {@code ChunkedWriteHandler};
 * both arrive whole, in order, at a niotls client.
 */
class FileWriteTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("io.niotls.netty.Fixtures#providersAndProtocols")
  void aFileRegionAndAChunkedFileArriveWholeAndInOrder(Provider provider, String protocol)
      throws Exception {
    byte[] first = TlsHandlerRecordSplitTest.random(1 << 20, 11);
    byte[] second = TlsHandlerRecordSplitTest.random(300_001, 12);
    File region = Files.write(dir.resolve("region.bin"), first).toFile();
    File chunked = Files.write(dir.resolve("chunked.bin"), second).toFile();
    CompletableFuture<ChannelFuture> regionWritten = new CompletableFuture<>();
    DefaultFileRegion[] sent = new DefaultFileRegion[1];
    try (Loopback net = new Loopback()) {
      net.listen(
          ch ->
              ch.pipeline()
                  .addLast(TlsHandler.server(Fixtures.server(provider, protocol)))
                  .addLast(new ChunkedWriteHandler())
                  .addLast(
                      new ChannelInboundHandlerAdapter() {
                        @Override
                        public void userEventTriggered(ChannelHandlerContext ctx, Object evt)
                            throws Exception {
                          if (evt == SslHandshakeCompletionEvent.SUCCESS) {
                            sent[0] = new DefaultFileRegion(region, 0, region.length());
                            regionWritten.complete(ctx.write(sent[0]));
                            ctx.writeAndFlush(new ChunkedNioFile(chunked))
                                .addListener(ChannelFutureListener.CLOSE);
                          }
                          ctx.fireUserEventTriggered(evt);
                        }
                      }));
      Collector received = new Collector();
      TlsHandler client = TlsHandler.client(Fixtures.client(provider, protocol), "localhost", 1);
      net.connect(p -> p.addLast(client).addLast(received));
      byte[] got = received.done.get(Loopback.TIMEOUT_SECONDS, TimeUnit.SECONDS);
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      expected.write(first);
      expected.write(second);
      assertThat(got.length).isEqualTo(expected.size());
      assertThat(ReactorNettyTest.sha256(got))
          .isEqualTo(ReactorNettyTest.sha256(expected.toByteArray()));
      ChannelFuture written = regionWritten.get(Loopback.TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertThat(written.await(Loopback.TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
      assertThat(written.isSuccess()).as("%s", written.cause()).isTrue();
      assertThat(sent[0].refCnt()).as("the region was released").isZero();
      assertThat(client.sslCloseFuture().isSuccess()).isTrue();
    }
  }

  /** Collects plaintext until the channel closes. */
  private static final class Collector extends ChannelInboundHandlerAdapter {
    final CompletableFuture<byte[]> done = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      try {
        buf.readBytes(bytes, buf.readableBytes());
      } catch (java.io.IOException e) {
        done.completeExceptionally(e);
      } finally {
        buf.release();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      done.complete(bytes.toByteArray());
    }
  }
}
