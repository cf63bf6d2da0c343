package io.niotls.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;

/**
 * Two {@link EmbeddedChannel}s, a client and a server, joined by a pump that moves each one's
 * outbound bytes into the other's pipeline, optionally cut into chunks of at most {@code maxChunk}
 * bytes (1 delivers every byte in its own channelRead). Works with any TLS handler on either side —
 * niotls's {@link TlsHandler} or Netty's {@code SslHandler} — so tests and the JMH benchmarks drive
 * both the same way. Everything runs on the calling thread; all loops are bounded.
 */
public final class EmbeddedPair implements AutoCloseable {
  private static final int MAX_ROUNDS = 1_000_000;

  public final EmbeddedChannel client;
  public final EmbeddedChannel server;
  private final int maxChunk;

  /** A pair with {@code clientHandlers} / {@code serverHandlers} as pipelines, first = head. */
  public EmbeddedPair(int maxChunk, ChannelHandler[] clientHandlers, ChannelHandler[] server) {
    if (maxChunk < 1) {
      throw new IllegalArgumentException("maxChunk must be >= 1");
    }
    this.maxChunk = maxChunk;
    this.server = new EmbeddedChannel(server);
    this.client = new EmbeddedChannel(clientHandlers);
  }

  /** A pair of channels made elsewhere (say, unregistered first to set options). */
  public EmbeddedPair(int maxChunk, EmbeddedChannel client, EmbeddedChannel server) {
    if (maxChunk < 1) {
      throw new IllegalArgumentException("maxChunk must be >= 1");
    }
    this.maxChunk = maxChunk;
    this.client = client;
    this.server = server;
  }

  /** A pair whose pipelines hold just the two TLS handlers, with whole buffers delivered. */
  public static EmbeddedPair of(ChannelHandler clientTls, ChannelHandler serverTls) {
    return new EmbeddedPair(
        Integer.MAX_VALUE, new ChannelHandler[] {clientTls}, new ChannelHandler[] {serverTls});
  }

  /** Moves everything each side has written so far to the other once; returns bytes moved. */
  public long pump() {
    return move(client, server) + move(server, client);
  }

  /** Pumps until neither side writes anything more; returns bytes moved. */
  public long pumpUntilQuiet() {
    long total = 0;
    for (int round = 0; round < MAX_ROUNDS; round++) {
      long moved = pump();
      if (moved == 0) {
        return total;
      }
      total += moved;
    }
    throw new AssertionError("the pair did not go quiet in " + MAX_ROUNDS + " rounds");
  }

  /**
   * Joins what {@code from} wrote into one contiguous buffer, as a socket read would see it, and
   * delivers it to {@code to} in reads of at most {@code maxChunk} bytes, each followed by
   * channelReadComplete.
   */
  private long move(EmbeddedChannel from, EmbeddedChannel to) {
    int total = 0;
    for (Object msg : from.outboundMessages()) {
      total += ((ByteBuf) msg).readableBytes();
    }
    if (from.outboundMessages().isEmpty()) {
      return 0;
    }
    ByteBuf stream = to.alloc().directBuffer(Math.max(total, 1));
    for (Object msg = from.readOutbound(); msg != null; msg = from.readOutbound()) {
      ByteBuf buf = (ByteBuf) msg;
      stream.writeBytes(buf);
      buf.release();
    }
    try {
      while (stream.isReadable() && to.isOpen()) {
        int n = Math.min(maxChunk, stream.readableBytes());
        to.pipeline().fireChannelRead(stream.readRetainedSlice(n));
        to.pipeline().fireChannelReadComplete();
        to.runPendingTasks();
      }
    } finally {
      stream.release();
    }
    return total;
  }

  /** Takes every plaintext buffer that reached the end of {@code channel}'s pipeline. */
  public static byte[] readInbound(EmbeddedChannel channel) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (Object msg = channel.readInbound(); msg != null; msg = channel.readInbound()) {
      ByteBuf buf = (ByteBuf) msg;
      try {
        byte[] b = new byte[buf.readableBytes()];
        buf.readBytes(b);
        bytes.writeBytes(b);
      } finally {
        buf.release();
      }
    }
    return bytes.toByteArray();
  }

  /** Releases every plaintext buffer that reached the end of the pipeline; returns their bytes. */
  public static long discardInbound(EmbeddedChannel channel) {
    long n = 0;
    for (Object msg = channel.readInbound(); msg != null; msg = channel.readInbound()) {
      ByteBuf buf = (ByteBuf) msg;
      n += buf.readableBytes();
      buf.release();
    }
    return n;
  }

  /** Closes both channels and releases whatever they still hold. */
  @Override
  public void close() {
    client.finishAndReleaseAll();
    server.finishAndReleaseAll();
  }
}
