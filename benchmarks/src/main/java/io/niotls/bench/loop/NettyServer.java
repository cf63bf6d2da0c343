package io.niotls.bench.loop;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The peer: a plain Netty NIO server with Netty's own {@link io.netty.handler.ssl.SslHandler}, as
 * its documentation and examples build one. One {@link NioEventLoopGroup} both accepts and serves
 * (as niotls's server does on its loops), TCP_NODELAY on, Netty's default pooled allocator. The
 * application handler echoes, closes the channel when the client's close_notify arrives (the {@link
 * SslCloseCompletionEvent}) and on any failure.
 */
public final class NettyServer implements LoopbackServer {
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final EventLoopGroup group;
  private final List<Channel> listeners;
  private final ChannelGroup channels;
  private final ThreadCpu cpu;
  private final LongAdder failures;

  private NettyServer(
      EventLoopGroup group,
      List<Channel> listeners,
      ChannelGroup channels,
      ThreadCpu cpu,
      LongAdder failures) {
    this.group = group;
    this.listeners = listeners;
    this.channels = channels;
    this.cpu = cpu;
    this.failures = failures;
  }

  /** Listens on {@code host} (a loopback address), any free port, with {@code loops} threads. */
  public static NettyServer start(SslContext sslContext, int loops, String host) {
    return start(sslContext, loops, List.of(host));
  }

  /** Listens on each of {@code hosts}, any free port each, all served by {@code loops} threads. */
  public static NettyServer start(SslContext sslContext, int loops, List<String> hosts) {
    String prefix = "netty-server-" + INSTANCES.incrementAndGet();
    EventLoopGroup group = new NioEventLoopGroup(loops, new DefaultThreadFactory(prefix));
    ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    LongAdder failures = new LongAdder();
    ChannelHandler app = new EchoAndClose(failures);
    try {
      ServerBootstrap bootstrap =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .option(ChannelOption.SO_BACKLOG, 4096)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      channels.add(ch);
                      ch.pipeline().addLast(sslContext.newHandler(ch.alloc()), app);
                    }
                  });
      List<Channel> listeners = new ArrayList<>();
      for (String host : hosts) {
        listeners.add(bootstrap.bind(host, 0).syncUninterruptibly().channel());
      }
      return new NettyServer(
          group, List.copyOf(listeners), channels, new ThreadCpu(List.of(prefix + "-")), failures);
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      throw e;
    }
  }

  @Override
  public String subject() {
    return "NettyServer";
  }

  @Override
  public String name() {
    return "netty";
  }

  @Override
  public InetSocketAddress address() {
    return (InetSocketAddress) listeners.get(0).localAddress();
  }

  @Override
  public List<InetSocketAddress> addresses() {
    return listeners.stream().map(c -> (InetSocketAddress) c.localAddress()).toList();
  }

  @Override
  public long cpuNanos() {
    return cpu.nanos();
  }

  @Override
  public int sessions() {
    return channels.size();
  }

  /** Handshakes that failed and channels closed by an exception. */
  public long failures() {
    return failures.sum();
  }

  @Override
  public void close() {
    listeners.forEach(l -> l.close().syncUninterruptibly());
    channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Echoes; closes on the peer's close_notify and on failures (counted). */
  @ChannelHandler.Sharable
  private static final class EchoAndClose extends ChannelInboundHandlerAdapter {
    private final LongAdder failures;

    EchoAndClose(LongAdder failures) {
      this.failures = failures;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.write(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof SslCloseCompletionEvent) {
        ctx.close();
      } else if (event instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
        failures.increment();
        ctx.close();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      failures.increment();
      ctx.close();
    }
  }
}
