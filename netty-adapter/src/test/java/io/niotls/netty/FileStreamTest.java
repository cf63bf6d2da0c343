package io.niotls.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.handler.stream.ChunkedWriteHandler;
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
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Files written the two ways Netty code writes them, over real sockets: a {@code FileRegion}, read
 * by the handler as the channel drains (a peer that does not read holds the file back: it is not
 * read into memory whole), and a {@code ChunkedNioFile} through a {@code ChunkedWriteHandler}. The
 * writes around regions keep their order; a region that cannot be read fails its own write only
 * when none of it was sent, and ends the connection without close_notify when part of it was.
 */
class FileStreamTest {
  private static final long T = Loopback.TIMEOUT_SECONDS;

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void aLargeRegionIsReadOnlyAsFastAsThePeerTakesIt(Provider provider) throws Exception {
    int size = 64 << 20;
    File file = file("large.bin", size, 3);
    DefaultFileRegion region = new DefaultFileRegion(file, 0, size);
    try (Loopback net = new Loopback().manualRead()) {
      Digest received = new Digest();
      Served pair = new Served(net, provider, "TLSv1.3", received);
      ChannelHandlerContext ctx = pair.open.get(T, TimeUnit.SECONDS);
      ChannelFuture write = on(ctx, () -> ctx.writeAndFlush(region));

      Thread.sleep(500); // the client reads nothing: the socket buffers fill, then the channel
      long read = ctx.executor().submit(region::transferred).get(T, TimeUnit.SECONDS);
      assertThat(read)
          .as("bytes of the file read while the peer takes none")
          .isPositive()
          .isLessThan(size / 2);
      assertThat(write.isDone()).isFalse();

      pair.client.config().setAutoRead(true);
      assertThat(write.await(T, TimeUnit.SECONDS)).isTrue();
      assertThat(write.isSuccess()).as("%s", write.cause()).isTrue();
      ctx.close();
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
    try (Loopback net = new Loopback()) {
      Collector received = new Collector();
      Served pair = new Served(net, provider, protocol, received);
      ChannelHandlerContext ctx = pair.open.get(T, TimeUnit.SECONDS);
      ChannelFuture[] writes =
          on(
              ctx,
              () ->
                  new ChannelFuture[] {
                    ctx.write(ascii("head|")),
                    ctx.write(new DefaultFileRegion(first, 0, one.length)),
                    ctx.write(ascii("|middle|")),
                    ctx.writeAndFlush(new DefaultFileRegion(second, 0, two.length)),
                    ctx.write(ascii("|unflushed")) // behind a region, written after the flush
                  });
      for (int i = 0; i < 4; i++) {
        assertThat(writes[i].await(T, TimeUnit.SECONDS)).isTrue();
        assertThat(writes[i].isSuccess()).as("write %d: %s", i, writes[i].cause()).isTrue();
      }
      Thread.sleep(200);
      assertThat(writes[4].isDone()).as("a write no flush came after").isFalse();
      on(ctx, () -> ctx.writeAndFlush(ascii("|tail")).addListener(f -> ctx.close()));

      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      expected.write(bytes("head|"));
      expected.write(one);
      expected.write(bytes("|middle|"));
      expected.write(two);
      expected.write(bytes("|unflushed|tail"));
      assertSame(received.done.get(T, TimeUnit.SECONDS), expected.toByteArray());
      assertThat(writes[4].isSuccess()).isTrue();
    }
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("io.niotls.netty.Fixtures#providersAndProtocols")
  void aRegionAndAChunkedFileBehindItArriveWholeAndInOrder(Provider provider, String protocol)
      throws Exception {
    byte[] first = TlsHandlerRecordSplitTest.random(1 << 20, 11);
    byte[] second = TlsHandlerRecordSplitTest.random(300_001, 12);
    File region = Files.write(dir.resolve("region.bin"), first).toFile();
    File chunked = Files.write(dir.resolve("chunked.bin"), second).toFile();
    try (Loopback net = new Loopback()) {
      Collector received = new Collector();
      Served pair = new Served(net, provider, protocol, received, new ChunkedWriteHandler());
      ChannelHandlerContext ctx = pair.open.get(T, TimeUnit.SECONDS);
      DefaultFileRegion sent = new DefaultFileRegion(region, 0, region.length());
      ChannelFuture written =
          on(
              ctx,
              () -> {
                ChannelFuture f = ctx.write(sent);
                ctx.writeAndFlush(new ChunkedNioFile(chunked))
                    .addListener(ChannelFutureListener.CLOSE);
                return f;
              });
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      expected.write(first);
      expected.write(second);
      assertSame(received.done.get(T, TimeUnit.SECONDS), expected.toByteArray());
      assertThat(written.await(T, TimeUnit.SECONDS)).isTrue();
      assertThat(written.isSuccess()).as("%s", written.cause()).isTrue();
      assertThat(sent.refCnt()).as("the region was released").isZero();
      assertThat(pair.handler.sslCloseFuture().isSuccess()).isTrue();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void aRegionThatCannotBeReadFailsItsOwnWriteAndTheNextWritesGoOn(Provider provider)
      throws Exception {
    File file = Files.write(dir.resolve("short.bin"), new byte[1000]).toFile();
    try (Loopback net = new Loopback()) {
      Collector received = new Collector();
      Served pair = new Served(net, provider, "TLSv1.3", received);
      ChannelHandlerContext ctx = pair.open.get(T, TimeUnit.SECONDS);
      // the region starts past the file's end: the file was shortened before any of it was read
      DefaultFileRegion region = new DefaultFileRegion(file, 2000, 500);
      ChannelFuture failed =
          on(
              ctx,
              () -> {
                ChannelFuture f = ctx.write(region);
                ctx.writeAndFlush(ascii("after")).addListener(x -> ctx.close());
                return f;
              });
      assertThat(received.done.get(T, TimeUnit.SECONDS)).isEqualTo(bytes("after"));
      assertThat(failed.isDone() && !failed.isSuccess()).isTrue();
      assertThat(failed.cause()).isInstanceOf(IOException.class);
      assertThat(pair.handler.sslCloseFuture().isSuccess())
          .as("a clean close_notify: %s", pair.handler.sslCloseFuture().cause())
          .isTrue();
      assertThat(region.refCnt()).isZero();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void aRegionThatFailsPartWayEndsTheConnectionWithoutCloseNotify(Provider provider)
      throws Exception {
    int size = 1 << 20;
    File file = file("half.bin", size, 5);
    try (Loopback net = new Loopback()) {
      Collector received = new Collector();
      Served pair = new Served(net, provider, "TLSv1.3", received);
      ChannelHandlerContext ctx = pair.open.get(T, TimeUnit.SECONDS);
      // twice as long as the file: it is found short half-way through
      DefaultFileRegion region = new DefaultFileRegion(file, 0, 2L * size);
      ChannelFuture write =
          on(
              ctx,
              () -> {
                ChannelFuture f = ctx.write(region);
                ctx.writeAndFlush(ascii("never sent"));
                return f;
              });
      byte[] got = received.done.get(T, TimeUnit.SECONDS);
      assertThat(got.length).isLessThanOrEqualTo(size);
      assertThat(write.await(T, TimeUnit.SECONDS)).isTrue();
      assertThat(write.cause())
          .isInstanceOf(IOException.class)
          .hasMessageContaining("bytes were sent");
      assertThat(pair.caught.get(T, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
      assertThat(pair.handler.sslCloseFuture().await(T, TimeUnit.SECONDS)).isTrue();
      assertThat(pair.handler.sslCloseFuture().cause())
          .as("the client sees a truncation, not a clean end")
          .isInstanceOfSatisfying(
              TlsException.class, e -> assertThat(e.status()).isEqualTo(Status.SYSCALL));
      assertThat(region.refCnt()).isZero();
    }
  }

  static Stream<Arguments> closes() {
    return Fixtures.providers()
        .flatMap(
            p ->
                Stream.of("close", "closeOutbound", "closeOutbound, then close")
                    .map(how -> Arguments.of(p, how)));
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("closes")
  void closingWhileARegionIsSentSendsCloseNotifyAfterAllOfIt(Provider provider, String how)
      throws Exception {
    int size = 8 << 20;
    File file = file("closing.bin", size, 8);
    try (Loopback net = new Loopback()) {
      Digest received = new Digest();
      Served pair = new Served(net, provider, "TLSv1.3", received);
      ChannelHandlerContext ctx = pair.open.get(T, TimeUnit.SECONDS);
      TlsHandler server = ctx.pipeline().get(TlsHandler.class);
      List<ChannelFuture> futures =
          on(
              ctx,
              () -> {
                List<ChannelFuture> all = new ArrayList<>();
                all.add(ctx.writeAndFlush(new DefaultFileRegion(file, 0, size)));
                // at once, while most of the file is still to be read
                if (how.startsWith("closeOutbound")) {
                  all.add(server.closeOutbound());
                }
                if (how.endsWith("close")) {
                  all.add(ctx.close());
                }
                return all;
              });
      for (ChannelFuture f : futures) {
        assertThat(f.await(T, TimeUnit.SECONDS)).isTrue();
        assertThat(f.isSuccess()).as("%s", f.cause()).isTrue();
      }
      assertThat(pair.handler.sslCloseFuture().await(T, TimeUnit.SECONDS)).isTrue();
      assertThat(pair.handler.sslCloseFuture().isSuccess())
          .as("close_notify after the whole file: %s", pair.handler.sslCloseFuture().cause())
          .isTrue();
      ctx.close(); // a half-closed connection, to end the client's digest
      assertThat(received.done.get(T, TimeUnit.SECONDS)).isEqualTo(sha256(file));
      assertThat(received.bytes).isEqualTo(size);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void writesBehindARegionThatMakeTheChannelUnwritableDoNotHoldItBack(Provider provider)
      throws Exception {
    int size = 8 << 20;
    byte[] file = TlsHandlerRecordSplitTest.random(size, 31);
    byte[] after = TlsHandlerRecordSplitTest.random(1 << 20, 32); // far above the high water mark
    File region = Files.write(dir.resolve("ahead.bin"), file).toFile();
    try (Loopback net = new Loopback()) {
      Collector received = new Collector();
      Served pair = new Served(net, provider, "TLSv1.3", received);
      ChannelHandlerContext ctx = pair.open.get(T, TimeUnit.SECONDS);
      ChannelFuture[] writes =
          on(
              ctx,
              () -> {
                ChannelFuture first = ctx.write(new DefaultFileRegion(region, 0, size));
                ChannelFuture second = ctx.write(Unpooled.wrappedBuffer(after));
                boolean writable = ctx.channel().isWritable();
                ctx.flush();
                assertThat(writable).as("the write behind the region counts").isFalse();
                return new ChannelFuture[] {first, second};
              });
      for (ChannelFuture write : writes) {
        assertThat(write.await(T, TimeUnit.SECONDS)).isTrue();
        assertThat(write.isSuccess()).as("%s", write.cause()).isTrue();
      }
      ctx.close();
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      expected.write(file);
      expected.write(after);
      assertSame(received.done.get(T, TimeUnit.SECONDS), expected.toByteArray());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void aCloseWaitsForTheFileAtMostTheCloseNotifyFlushTimeoutAndNeverReadsItWhole(Provider provider)
      throws Exception {
    int size = 64 << 20;
    File file = file("slow.bin", size, 41);
    DefaultFileRegion region = new DefaultFileRegion(file, 0, size);
    try (Loopback net = new Loopback().manualRead()) {
      Digest received = new Digest();
      Served pair = new Served(net, provider, "TLSv1.3", received);
      ChannelHandlerContext ctx = pair.open.get(T, TimeUnit.SECONDS);
      TlsHandler server = ctx.pipeline().get(TlsHandler.class);
      ChannelFuture[] writeAndClose =
          on(
              ctx,
              () -> {
                server.setCloseNotifyFlushTimeoutMillis(300);
                return new ChannelFuture[] {ctx.writeAndFlush(region), ctx.close()};
              });
      // the client reads nothing: the file cannot be sent, the close waits 300 ms, then ends it
      assertThat(writeAndClose[1].await(T, TimeUnit.SECONDS)).isTrue();
      assertThat(writeAndClose[1].isSuccess()).isTrue();
      assertThat(writeAndClose[0].cause()).hasMessageContaining("close_notify flush timeout");
      assertThat(region.transferred()).as("what was read of the file").isLessThan(size / 2);
      assertThat(region.refCnt()).isZero();

      pair.client.config().setAutoRead(true);
      received.done.get(T, TimeUnit.SECONDS);
      assertThat(received.bytes).isLessThan(size);
      assertThat(pair.handler.sslCloseFuture().await(T, TimeUnit.SECONDS)).isTrue();
      assertThat(pair.handler.sslCloseFuture().cause())
          .as("no close_notify after part of the file: a truncation")
          .isInstanceOfSatisfying(
              TlsException.class, e -> assertThat(e.status()).isEqualTo(Status.SYSCALL));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void aCloseWithAFlushTimeoutOfZeroWaitsForThePeerHoweverLong(Provider provider) throws Exception {
    int size = 16 << 20;
    byte[] data = TlsHandlerRecordSplitTest.random(size, 43);
    try (Loopback net = new Loopback().manualRead()) {
      Collector received = new Collector();
      Served pair = new Served(net, provider, "TLSv1.3", received);
      ChannelHandlerContext ctx = pair.open.get(T, TimeUnit.SECONDS);
      TlsHandler server = ctx.pipeline().get(TlsHandler.class);
      ChannelFuture closed =
          on(
              ctx,
              () -> {
                server.setCloseNotifyFlushTimeoutMillis(0); // SslHandler's "no timeout"
                ctx.writeAndFlush(Unpooled.wrappedBuffer(data));
                return ctx.close();
              });
      Thread.sleep(500); // the client reads nothing yet: most of the data waits to be sent
      assertThat(closed.isDone()).as("the close waits for the peer").isFalse();

      pair.client.config().setAutoRead(true);
      assertSame(received.done.get(T, TimeUnit.SECONDS), data);
      assertThat(pair.handler.sslCloseFuture().isSuccess())
          .as("close_notify after all of it: %s", pair.handler.sslCloseFuture().cause())
          .isTrue();
      assertThat(closed.await(T, TimeUnit.SECONDS)).isTrue();
    }
  }

  /**
   * A server of {@code provider} on {@code net} whose last handler hands out its context once the
   * handshake is done (and keeps what exceptions reach it), and a client of the same provider whose
   * plaintext goes to {@code sink}.
   */
  private static final class Served {
    final CompletableFuture<ChannelHandlerContext> open = new CompletableFuture<>();
    final CompletableFuture<Throwable> caught = new CompletableFuture<>();
    final TlsHandler handler;
    final Channel client;

    Served(
        Loopback net,
        Provider provider,
        String protocol,
        ChannelHandler sink,
        ChannelHandler... between) {
      net.listen(
          ch -> {
            ch.pipeline().addLast(TlsHandler.server(Fixtures.server(provider, protocol)));
            ch.pipeline().addLast(between);
            ch.pipeline().addLast(new App());
          });
      handler = TlsHandler.client(Fixtures.client(provider, protocol), "localhost", 1);
      client = net.connect(p -> p.addLast(handler).addLast(sink));
    }

    private final class App extends ChannelInboundHandlerAdapter {
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
    }
  }

  /** Runs {@code writes} on {@code ctx}'s event loop and returns what they return. */
  private static <V> V on(ChannelHandlerContext ctx, Callable<V> writes) throws Exception {
    return ctx.executor().submit(writes).get(T, TimeUnit.SECONDS);
  }

  private File file(String name, int size, long seed) throws IOException {
    return Files.write(dir.resolve(name), TlsHandlerRecordSplitTest.random(size, seed)).toFile();
  }

  private static void assertSame(byte[] got, byte[] expected) throws Exception {
    assertThat(got.length).isEqualTo(expected.length);
    assertThat(ReactorNettyTest.sha256(got)).isEqualTo(ReactorNettyTest.sha256(expected));
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
