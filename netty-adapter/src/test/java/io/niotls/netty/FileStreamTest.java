package io.niotls.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.niotls.context.Provider;
import io.niotls.engine.Status;
import io.niotls.engine.TlsException;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A {@code FileRegion} written to the handler is read as the channel drains, over real sockets: a
 * peer that does not read holds the file back (it is not read into memory whole), the writes around
 * regions keep their order, a region that cannot be read fails its own write only when none of it
 * was sent, and ends the connection without close_notify when part of it was.
 */
class FileStreamTest {
  private static final long T = Loopback.TIMEOUT_SECONDS;

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void aLargeRegionIsReadOnlyAsFastAsThePeerTakesIt(Provider provider) throws Exception {
    int size = 64 << 20;
    File file =
        Files.write(dir.resolve("large.bin"), TlsHandlerRecordSplitTest.random(size, 3)).toFile();
    DefaultFileRegion region = new DefaultFileRegion(file, 0, size);
    CompletableFuture<ChannelFuture> written = new CompletableFuture<>();
    try (Loopback net = new Loopback().manualRead()) {
      net.listen(
          ch ->
              ch.pipeline()
                  .addLast(TlsHandler.server(Fixtures.server(provider, "TLSv1.3")))
                  .addLast(onHandshake((ctx, evt) -> written.complete(ctx.writeAndFlush(region)))));
      Digest received = new Digest();
      Channel client =
          net.connect(
              p ->
                  p.addLast(TlsHandler.client(Fixtures.client(provider, "TLSv1.3"), "localhost", 1))
                      .addLast(received));
      Channel server = net.accepted();
      ChannelFuture write = written.get(T, TimeUnit.SECONDS);

      Thread.sleep(500); // the client reads nothing: the socket buffers fill, then the channel
      long read = server.eventLoop().submit(region::transferred).get(T, TimeUnit.SECONDS);
      assertThat(read)
          .as("bytes of the file read while the peer takes none")
          .isPositive()
          .isLessThan(size / 2);
      assertThat(write.isDone()).isFalse();

      client.config().setAutoRead(true);
      assertThat(write.await(T, TimeUnit.SECONDS)).isTrue();
      assertThat(write.isSuccess()).as("%s", write.cause()).isTrue();
      server.close().sync();
      assertThat(received.done.get(T, TimeUnit.SECONDS)).isEqualTo(sha256(file));
      assertThat(received.bytes).isEqualTo(size);
      assertThat(region.refCnt()).as("the region was released").isZero();
    }
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("io.niotls.netty.Fixtures#providersAndProtocols")
  void writesAroundRegionsKeepTheirOrderAndUnflushedOnesWait(Provider provider, String protocol)
      throws Exception {
    byte[] one = TlsHandlerRecordSplitTest.random(1 << 20, 21);
    byte[] two = TlsHandlerRecordSplitTest.random(300_001, 22);
    File first = Files.write(dir.resolve("one.bin"), one).toFile();
    File second = Files.write(dir.resolve("two.bin"), two).toFile();
    CompletableFuture<ChannelHandlerContext> open = new CompletableFuture<>();
    try (Loopback net = new Loopback()) {
      net.listen(
          ch ->
              ch.pipeline()
                  .addLast(TlsHandler.server(Fixtures.server(provider, protocol)))
                  .addLast(onHandshake((ctx, evt) -> open.complete(ctx))));
      Collector received = new Collector();
      net.connect(
          p ->
              p.addLast(TlsHandler.client(Fixtures.client(provider, protocol), "localhost", 1))
                  .addLast(received));
      ChannelHandlerContext ctx = open.get(T, TimeUnit.SECONDS);
      ChannelFuture[] writes =
          ctx.executor()
              .submit(
                  () ->
                      new ChannelFuture[] {
                        ctx.write(ascii("head|")),
                        ctx.write(new DefaultFileRegion(first, 0, one.length)),
                        ctx.write(ascii("|middle|")),
                        ctx.writeAndFlush(new DefaultFileRegion(second, 0, two.length)),
                        ctx.write(ascii("|unflushed")) // behind a region, written after the flush
                      })
              .get(T, TimeUnit.SECONDS);
      for (int i = 0; i < 4; i++) {
        assertThat(writes[i].await(T, TimeUnit.SECONDS)).isTrue();
        assertThat(writes[i].isSuccess()).as("write %d: %s", i, writes[i].cause()).isTrue();
      }
      Thread.sleep(200);
      assertThat(writes[4].isDone()).as("a write no flush came after").isFalse();
      ctx.executor().submit(() -> ctx.writeAndFlush(ascii("|tail")).addListener(f -> ctx.close()));

      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      expected.write(bytes("head|"));
      expected.write(one);
      expected.write(bytes("|middle|"));
      expected.write(two);
      expected.write(bytes("|unflushed|tail"));
      byte[] got = received.done.get(T, TimeUnit.SECONDS);
      assertThat(got.length).isEqualTo(expected.size());
      assertThat(ReactorNettyTest.sha256(got))
          .isEqualTo(ReactorNettyTest.sha256(expected.toByteArray()));
      assertThat(writes[4].isSuccess()).isTrue();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void aRegionThatCannotBeReadFailsItsOwnWriteAndTheNextWritesGoOn(Provider provider)
      throws Exception {
    File file = Files.write(dir.resolve("short.bin"), new byte[1000]).toFile();
    CompletableFuture<ChannelHandlerContext> open = new CompletableFuture<>();
    try (Loopback net = new Loopback()) {
      net.listen(
          ch ->
              ch.pipeline()
                  .addLast(TlsHandler.server(Fixtures.server(provider, "TLSv1.3")))
                  .addLast(onHandshake((ctx, evt) -> open.complete(ctx))));
      Collector received = new Collector();
      TlsHandler client = TlsHandler.client(Fixtures.client(provider, "TLSv1.3"), "localhost", 1);
      net.connect(p -> p.addLast(client).addLast(received));
      ChannelHandlerContext ctx = open.get(T, TimeUnit.SECONDS);
      // the region starts past the file's end: the file was shortened before any of it was read
      DefaultFileRegion region = new DefaultFileRegion(file, 2000, 500);
      ChannelFuture failed =
          ctx.executor()
              .submit(
                  () -> {
                    ChannelFuture f = ctx.write(region);
                    ctx.writeAndFlush(ascii("after")).addListener(x -> ctx.close());
                    return f;
                  })
              .get(T, TimeUnit.SECONDS);
      assertThat(received.done.get(T, TimeUnit.SECONDS)).isEqualTo(bytes("after"));
      assertThat(failed.isDone() && !failed.isSuccess()).isTrue();
      assertThat(failed.cause()).isInstanceOf(IOException.class);
      assertThat(client.sslCloseFuture().isSuccess())
          .as("a clean close_notify: %s", client.sslCloseFuture().cause())
          .isTrue();
      assertThat(region.refCnt()).isZero();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void aRegionThatFailsPartWayEndsTheConnectionWithoutCloseNotify(Provider provider)
      throws Exception {
    int size = 1 << 20;
    File file =
        Files.write(dir.resolve("half.bin"), TlsHandlerRecordSplitTest.random(size, 5)).toFile();
    CompletableFuture<ChannelHandlerContext> open = new CompletableFuture<>();
    CompletableFuture<Throwable> caught = new CompletableFuture<>();
    try (Loopback net = new Loopback()) {
      net.listen(
          ch ->
              ch.pipeline()
                  .addLast(TlsHandler.server(Fixtures.server(provider, "TLSv1.3")))
                  .addLast(
                      new ChannelInboundHandlerAdapter() {
                        @Override
                        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                          if (evt == SslHandshakeCompletionEvent.SUCCESS) {
                            open.complete(ctx);
                          }
                        }

                        @Override
                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                          caught.complete(cause);
                        }
                      }));
      Collector received = new Collector();
      TlsHandler client = TlsHandler.client(Fixtures.client(provider, "TLSv1.3"), "localhost", 1);
      net.connect(p -> p.addLast(client).addLast(received));
      ChannelHandlerContext ctx = open.get(T, TimeUnit.SECONDS);
      // twice as long as the file: it is found short half-way through
      DefaultFileRegion region = new DefaultFileRegion(file, 0, 2L * size);
      ChannelFuture write =
          ctx.executor()
              .submit(
                  () -> {
                    ChannelFuture f = ctx.write(region);
                    ctx.writeAndFlush(ascii("never sent"));
                    return f;
                  })
              .get(T, TimeUnit.SECONDS);
      byte[] got = received.done.get(T, TimeUnit.SECONDS);
      assertThat(got.length).isLessThanOrEqualTo(size);
      assertThat(write.await(T, TimeUnit.SECONDS)).isTrue();
      assertThat(write.cause())
          .isInstanceOf(IOException.class)
          .hasMessageContaining("bytes were sent");
      assertThat(caught.get(T, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
      assertThat(client.sslCloseFuture().await(T, TimeUnit.SECONDS)).isTrue();
      assertThat(client.sslCloseFuture().cause())
          .as("the client sees a truncation, not a clean end")
          .isInstanceOfSatisfying(
              TlsException.class, e -> assertThat(e.status()).isEqualTo(Status.SYSCALL));
      assertThat(region.refCnt()).isZero();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void aCloseWhileARegionIsSentSendsCloseNotifyAfterAllOfIt(Provider provider) throws Exception {
    int size = 8 << 20;
    File file =
        Files.write(dir.resolve("closing.bin"), TlsHandlerRecordSplitTest.random(size, 8)).toFile();
    CompletableFuture<ChannelFuture> written = new CompletableFuture<>();
    try (Loopback net = new Loopback()) {
      net.listen(
          ch ->
              ch.pipeline()
                  .addLast(TlsHandler.server(Fixtures.server(provider, "TLSv1.3")))
                  .addLast(
                      onHandshake(
                          (ctx, evt) -> {
                            written.complete(
                                ctx.writeAndFlush(new DefaultFileRegion(file, 0, size)));
                            ctx.close(); // at once, while most of the file is still to be read
                          })));
      Digest received = new Digest();
      TlsHandler client = TlsHandler.client(Fixtures.client(provider, "TLSv1.3"), "localhost", 1);
      net.connect(p -> p.addLast(client).addLast(received));
      assertThat(received.done.get(T, TimeUnit.SECONDS)).isEqualTo(sha256(file));
      assertThat(received.bytes).isEqualTo(size);
      assertThat(written.get(T, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(client.sslCloseFuture().isSuccess())
          .as("close_notify after the whole file: %s", client.sslCloseFuture().cause())
          .isTrue();
    }
  }

  private static ChannelInboundHandlerAdapter onHandshake(
      BiConsumer<ChannelHandlerContext, Object> then) {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == SslHandshakeCompletionEvent.SUCCESS) {
          then.accept(ctx, evt);
        }
        ctx.fireUserEventTriggered(evt);
      }
    };
  }

  private static ByteBuf ascii(String s) {
    return Unpooled.wrappedBuffer(bytes(s));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static String sha256(File file) throws Exception {
    return ReactorNettyTest.sha256(Files.readAllBytes(file.toPath()));
  }

  /** Hashes plaintext until the channel closes, without holding it. */
  private static final class Digest extends ChannelInboundHandlerAdapter {
    final CompletableFuture<String> done = new CompletableFuture<>();
    volatile long bytes;
    private final MessageDigest sha256;

    Digest() throws Exception {
      sha256 = MessageDigest.getInstance("SHA-256");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      try {
        bytes += buf.readableBytes();
        sha256.update(buf.nioBuffer());
      } finally {
        buf.release();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      done.complete(HexFormat.of().formatHex(sha256.digest()));
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
      } catch (IOException e) {
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
