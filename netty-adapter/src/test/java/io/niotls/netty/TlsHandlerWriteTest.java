package io.niotls.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.UnsupportedMessageTypeException;
import io.netty.util.ReferenceCountUtil;
import io.niotls.context.Provider;
import io.niotls.hostile.Records;
import io.niotls.wire.TlsRecords;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TlsHandlerWriteTest {

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providersAndProtocols")
  void smallWritesAreCoalescedIntoOneRecord(Provider provider, String protocol) {
    try (EmbeddedPair pair = established(provider, protocol)) {
      byte[] sent = new byte[1000];
      for (int i = 0; i < 100; i++) {
        byte[] piece = TlsHandlerRecordSplitTest.random(10, i);
        System.arraycopy(piece, 0, sent, i * 10, 10);
        pair.client.write(Unpooled.wrappedBuffer(piece));
      }
      pair.client.flush();
      byte[] ciphertext = TlsHandlerRecordSplitTest.drainOutbound(pair.client);
      assertThat(Records.parseWhole(ciphertext))
          .singleElement()
          .extracting(Records.Parsed::type)
          .isEqualTo(TlsRecords.APPLICATION_DATA);
      TlsHandlerRecordSplitTest.deliver(pair.server, ciphertext);
      assertThat(EmbeddedPair.readInbound(pair.server)).isEqualTo(sent);
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providersAndProtocols")
  void aLargeWriteBecomesFullRecordsAndTheRestJoinsTheNextWrite(Provider p, String protocol) {
    try (EmbeddedPair pair = established(p, protocol)) {
      pair.client.write(Unpooled.wrappedBuffer(new byte[40_000]));
      pair.client.write(Unpooled.wrappedBuffer(new byte[1000]));
      pair.client.flush();
      List<Records.Parsed> records =
          Records.parseWhole(TlsHandlerRecordSplitTest.drainOutbound(pair.client));
      assertThat(records).hasSize(3); // 16384 + 16384 + (7232 + 1000)
      assertThat(records.get(0).body().length).isEqualTo(records.get(1).body().length);
      assertThat(records.get(2).body().length).isLessThan(records.get(0).body().length);
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void promisesCompleteWhenTheirBytesAreWrittenNotBefore(Provider provider) {
    TlsHandler client = TlsHandler.client(Fixtures.client(provider, "TLSv1.3"), "localhost", 443);
    TlsHandler server = TlsHandler.server(Fixtures.server(provider, "TLSv1.3"));
    try (EmbeddedPair pair = EmbeddedPair.of(client, server)) {
      ChannelFuture early = pair.client.writeAndFlush(Unpooled.wrappedBuffer(new byte[100]));
      assertThat(early.isDone()).as("written during the handshake: queued").isFalse();
      pair.pumpUntilQuiet();
      assertThat(early.isSuccess()).isTrue();
      assertThat(EmbeddedPair.readInbound(pair.server)).hasSize(100);

      ChannelFuture unflushed = pair.client.write(Unpooled.wrappedBuffer(new byte[10]));
      assertThat(unflushed.isDone()).isFalse();
      pair.client.flush();
      assertThat(unflushed.isSuccess()).isTrue();
    }
  }

  @Test
  void aFailedChannelWriteFailsThePromisesOfItsBytes() {
    FailingWrites failing = new FailingWrites();
    TlsHandler client = TlsHandler.client(Fixtures.client(Provider.JDK, "TLSv1.3"), "localhost", 1);
    TlsHandler server = TlsHandler.server(Fixtures.server(Provider.JDK, "TLSv1.3"));
    try (EmbeddedPair pair =
        new EmbeddedPair(
            Integer.MAX_VALUE,
            new ChannelHandler[] {failing, client},
            new ChannelHandler[] {server})) {
      pair.pumpUntilQuiet();
      failing.fail = true;
      ChannelFuture a = pair.client.write(Unpooled.wrappedBuffer(new byte[10]));
      ChannelFuture b = pair.client.write(Unpooled.wrappedBuffer(new byte[20]));
      pair.client.flush();
      assertThat(a.cause()).isInstanceOf(IOException.class).hasMessage("socket gone");
      assertThat(b.cause()).isInstanceOf(IOException.class);
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void queuedPlaintextCountsTowardsTheChannelsWritability(Provider provider) {
    TlsHandler client = TlsHandler.client(Fixtures.client(provider, "TLSv1.3"), "localhost", 443);
    TlsHandler server = TlsHandler.server(Fixtures.server(provider, "TLSv1.3"));
    try (EmbeddedPair pair = EmbeddedPair.of(client, server)) {
      pair.client.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1024, 4096));
      pair.client.write(Unpooled.wrappedBuffer(new byte[8192]));
      assertThat(pair.client.isWritable()).as("8 KiB queued during the handshake").isFalse();
      pair.pumpUntilQuiet();
      assertThat(pair.client.isWritable()).as("flushed once the handshake was done").isFalse();
      pair.client.flush();
      assertThat(pair.client.isWritable()).isTrue();
      pair.pumpUntilQuiet();
      assertThat(EmbeddedPair.readInbound(pair.server)).hasSize(8192);
    }
  }

  @Test
  void aNonBufferWriteFailsAndIsReleased() {
    try (EmbeddedPair pair = established(Provider.JDK, "TLSv1.3")) {
      DefaultByteBufHolder holder = new DefaultByteBufHolder(Unpooled.buffer(4).writeInt(1));
      ChannelFuture f = pair.client.writeAndFlush(holder);
      assertThat(f.cause()).isInstanceOf(UnsupportedMessageTypeException.class);
      assertThat(holder.refCnt()).isZero();
    }
  }

  @Test
  void anEmptyWriteCompletesInOrder() {
    try (EmbeddedPair pair = established(Provider.OPENSSL, "TLSv1.3")) {
      ChannelFuture data = pair.client.write(Unpooled.wrappedBuffer(new byte[5]));
      ChannelFuture empty = pair.client.write(Unpooled.EMPTY_BUFFER);
      pair.client.flush();
      assertThat(data.isSuccess()).isTrue();
      assertThat(empty.isSuccess()).isTrue();
      pair.pumpUntilQuiet();
      assertThat(EmbeddedPair.readInbound(pair.server)).hasSize(5);
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void writesAfterCloseNotifyFailAndAreReleased(Provider provider) {
    try (EmbeddedPair pair = established(provider, "TLSv1.3")) {
      TlsHandler client = pair.client.pipeline().get(TlsHandler.class);
      assertThat(client.closeOutbound().isSuccess()).isTrue();
      ByteBuf late = Unpooled.buffer(3).writeMedium(7);
      ChannelFuture f = pair.client.writeAndFlush(late);
      assertThat(f.cause()).isInstanceOf(SSLException.class).hasMessageContaining("closed");
      assertThat(late.refCnt()).isZero();
    }
  }

  @Test
  void largeDirectWritesAreEncryptedFromTheirOwnMemory() {
    EmbeddedChannel channel = new EmbeddedChannel();
    try {
      PlaintextQueue queue = new PlaintextQueue(channel, true);
      ByteBuf big = ByteBufAllocator.DEFAULT.directBuffer(40_000).writeZero(40_000);
      queue.add(big, channel.newPromise());
      ByteBuf chunk =
          queue.remove(ByteBufAllocator.DEFAULT, TlsHandler.RECORD, channel.newPromise());
      try {
        assertThat(chunk.readableBytes()).isEqualTo(TlsHandler.RECORD);
        assertThat(chunk.nioBufferCount()).isEqualTo(1);
        assertThat(chunk.memoryAddress()).as("a slice, not a copy").isEqualTo(big.memoryAddress());
      } finally {
        chunk.release();
        queue.releaseAndFailAll(channel, new IOException("done"));
      }
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  @Test
  void aLoneSmallWriteOfTheEnginesKindIsEncryptedFromItsOwnMemory() {
    EmbeddedChannel channel = new EmbeddedChannel();
    try {
      PlaintextQueue queue = new PlaintextQueue(channel, true);
      ByteBuf small = ByteBufAllocator.DEFAULT.directBuffer(1024).writeZero(1024);
      queue.add(small, channel.newPromise());
      ByteBuf chunk =
          queue.remove(ByteBufAllocator.DEFAULT, TlsHandler.RECORD, channel.newPromise());
      try {
        assertThat(chunk).as("not copied into a record-sized buffer").isSameAs(small);
      } finally {
        chunk.release();
      }
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  @Test
  void smallWritesAreMergedIntoOneBufferOfTheEnginesKind() {
    EmbeddedChannel channel = new EmbeddedChannel(new ChannelOutboundHandlerAdapter());
    try {
      PlaintextQueue queue = new PlaintextQueue(channel, true);
      List<ChannelPromise> promises = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        ChannelPromise p = channel.newPromise();
        promises.add(p);
        queue.queue(Unpooled.wrappedBuffer(new byte[] {(byte) i}), p);
      }
      ChannelHandlerContext ctx = channel.pipeline().firstContext();
      ByteBuf chunk = queue.take(ctx, TlsHandler.RECORD);
      ChannelPromise aggregate = queue.promiseFor(ctx, chunk.readableBytes());
      assertThat(aggregate).isNotIn(promises);
      try {
        assertThat(chunk.isDirect()).isTrue();
        assertThat(chunk.nioBufferCount()).isEqualTo(1);
        assertThat(ByteBufAllocator.DEFAULT.buffer().writeBytes(chunk.duplicate()))
            .satisfies(
                b -> {
                  assertThat(b.readableBytes()).isEqualTo(3);
                  b.release();
                });
      } finally {
        chunk.release();
      }
      assertThat(promises).noneMatch(ChannelPromise::isDone);
      aggregate.setSuccess();
      assertThat(promises).allMatch(ChannelPromise::isSuccess);
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  @Test
  void aRecordThatFinishesOneWriteIsWrittenWithThatWritesOwnPromise() {
    EmbeddedChannel channel = new EmbeddedChannel(new ChannelOutboundHandlerAdapter());
    try {
      ChannelHandlerContext ctx = channel.pipeline().firstContext();
      PlaintextQueue queue = new PlaintextQueue(channel, false);
      ChannelPromise large = channel.newPromise();
      ChannelPromise small = channel.newPromise();
      queue.queue(Unpooled.wrappedBuffer(new byte[TlsHandler.RECORD + 100]), large);
      queue.queue(Unpooled.wrappedBuffer(new byte[100]), small);

      ByteBuf first = queue.take(ctx, TlsHandler.RECORD);
      assertThat(queue.promiseFor(ctx, first.readableBytes()))
          .as("the first record finishes no write")
          .isNull();
      ByteBuf second = queue.take(ctx, TlsHandler.RECORD);
      ChannelPromise both = queue.promiseFor(ctx, second.readableBytes());
      assertThat(both).isNotSameAs(large).isNotSameAs(small);
      both.setSuccess();
      assertThat(large.isSuccess()).isTrue();
      assertThat(small.isSuccess()).isTrue();
      first.release();
      second.release();

      ChannelPromise lone = channel.newPromise();
      queue.queue(Unpooled.wrappedBuffer(new byte[10]), lone);
      ByteBuf third = queue.take(ctx, TlsHandler.RECORD);
      assertThat(queue.promiseFor(ctx, third.readableBytes())).isSameAs(lone);
      assertThat(lone.isCancellable()).as("its bytes are committed to a record").isFalse();
      third.release();
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void aWriteCancelledBeforeTheFlushIsStillSentAndItsPromiseStaysCancelled(Provider provider) {
    try (EmbeddedPair pair = established(provider, "TLSv1.3")) {
      ChannelFuture cancelled = pair.client.write(Unpooled.wrappedBuffer(new byte[10]));
      assertThat(cancelled.cancel(false)).isTrue();
      ChannelFuture next = pair.client.writeAndFlush(Unpooled.wrappedBuffer(new byte[20]));
      pair.pumpUntilQuiet();
      assertThat(cancelled.isCancelled()).isTrue();
      assertThat(next.isSuccess()).isTrue();
      assertThat(EmbeddedPair.readInbound(pair.server))
          .as("a cancelled plaintext write is part of the record stream all the same")
          .hasSize(30);
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void everyPromiseOfManyWritesInOneFlushCompletes(Provider provider) {
    try (EmbeddedPair pair = established(provider, "TLSv1.3")) {
      List<ChannelFuture> futures = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        futures.add(pair.client.write(Unpooled.wrappedBuffer(new byte[i % 3 == 0 ? 0 : 700])));
      }
      futures.add(pair.client.write(Unpooled.wrappedBuffer(new byte[40_000])));
      assertThat(futures).noneMatch(ChannelFuture::isDone);
      pair.client.flush();
      assertThat(futures).allMatch(ChannelFuture::isSuccess);
      pair.pumpUntilQuiet();
      assertThat(EmbeddedPair.readInbound(pair.server)).hasSize(33 * 700 + 40_000);
    }
  }

  static EmbeddedPair established(Provider provider, String protocol) {
    TlsHandler client = TlsHandler.client(Fixtures.client(provider, protocol), "localhost", 443);
    TlsHandler server = TlsHandler.server(Fixtures.server(provider, protocol));
    EmbeddedPair pair = EmbeddedPair.of(client, server);
    pair.pumpUntilQuiet();
    // BoringSSL's TLS 1.3 server sends its session tickets with its first write
    pair.server.writeAndFlush(Unpooled.wrappedBuffer(new byte[1]));
    pair.pumpUntilQuiet();
    assertThat(EmbeddedPair.readInbound(pair.client)).hasSize(1);
    return pair;
  }

  /** Between the head and the TLS handler: once told to, fails every write as a dead socket. */
  static final class FailingWrites extends ChannelOutboundHandlerAdapter {
    boolean fail;

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (fail) {
        ReferenceCountUtil.release(msg);
        promise.setFailure(new IOException("socket gone"));
      } else {
        ctx.write(msg, promise);
      }
    }
  }
}
