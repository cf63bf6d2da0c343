package io.niotls.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Real NIO channels on 127.0.0.1: a listening server and clients connecting to it, all on one event
 * loop group that {@link #close()} shuts down with every channel it made.
 */
final class Loopback implements AutoCloseable {
  static final long TIMEOUT_SECONDS = 60;

  private final EventLoopGroup group = new NioEventLoopGroup(2);
  private final List<Channel> channels = new ArrayList<>();
  private final BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
  private Channel listener;
  private boolean autoRead = true;

  /** Channels made from now on start with autoRead off. */
  Loopback manualRead() {
    autoRead = false;
    return this;
  }

  /** Starts listening; each accepted channel's pipeline is set up by {@code init}. */
  int listen(Consumer<SocketChannel> init) {
    listener =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childOption(ChannelOption.AUTO_READ, autoRead)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    init.accept(ch);
                    accepted.add(ch);
                  }
                })
            .bind("127.0.0.1", 0)
            .syncUninterruptibly()
            .channel();
    channels.add(listener);
    return port();
  }

  int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  /** Connects to the listener; {@code init} sets up the client's pipeline. */
  Channel connect(Consumer<ChannelPipeline> init) {
    return connect(port(), init);
  }

  /** Connects to {@code port} on 127.0.0.1 (another process's server). */
  Channel connect(int port, Consumer<ChannelPipeline> init) {
    Channel ch =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.AUTO_READ, autoRead)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    init.accept(ch.pipeline());
                  }
                })
            .connect("127.0.0.1", port)
            .syncUninterruptibly()
            .channel();
    channels.add(ch);
    return ch;
  }

  /** The next channel the listener accepted. */
  Channel accepted() throws InterruptedException {
    Channel ch = accepted.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (ch == null) {
      throw new AssertionError("no connection accepted in " + TIMEOUT_SECONDS + " s");
    }
    channels.add(ch);
    return ch;
  }

  @Override
  public void close() {
    for (Channel ch : channels) {
      ch.close().awaitUninterruptibly(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(30, TimeUnit.SECONDS);
  }
}
