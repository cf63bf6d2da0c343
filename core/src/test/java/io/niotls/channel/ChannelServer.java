package io.niotls.channel;

import io.niotls.context.TlsContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A blocking server on 127.0.0.1: one thread per accepted connection, each running {@link Service}
 * over a blocking {@link TlsChannel}. Each connection's result (or failure) completes a future in
 * {@link #results}. Closing it stops accepting and closes every connection.
 */
final class ChannelServer implements AutoCloseable {
  /** What one connection does; its return value is that connection's result. */
  @FunctionalInterface
  interface Service {
    Object serve(TlsChannel channel) throws Exception;
  }

  /** Echoes until the peer's close_notify, then closes (sending ours); returns the bytes echoed. */
  static Object echo(TlsChannel channel) throws IOException {
    java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(32 * 1024);
    long echoed = 0;
    while (channel.read(buffer.clear()) >= 0) {
      buffer.flip();
      echoed += buffer.remaining();
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    }
    channel.close();
    return echoed;
  }

  final List<CompletableFuture<Object>> results = new CopyOnWriteArrayList<>();
  private final ServerSocketChannel listener;
  private final List<TlsChannel> open = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  ChannelServer(TlsContext context, Service service) throws IOException {
    listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    acceptor =
        new Thread(
            () -> {
              try {
                while (true) {
                  SocketChannel socket = listener.accept();
                  TlsChannel channel = TlsChannel.server(context, socket);
                  open.add(channel);
                  CompletableFuture<Object> result = new CompletableFuture<>();
                  results.add(result);
                  Thread worker =
                      new Thread(
                          () -> {
                            try (channel) {
                              result.complete(service.serve(channel));
                            } catch (Throwable t) {
                              result.completeExceptionally(t);
                            }
                          },
                          "channel-server-connection");
                  worker.setDaemon(true);
                  worker.start();
                }
              } catch (IOException stopped) {
                // the listener was closed
              }
            },
            "channel-server-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() throws IOException {
    return ((InetSocketAddress) listener.getLocalAddress()).getPort();
  }

  InetSocketAddress address() throws IOException {
    return new InetSocketAddress("127.0.0.1", port());
  }

  /** The result of the {@code i}th connection accepted, once it is there. */
  CompletableFuture<Object> result(int i) throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (results.size() <= i) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("connection " + i + " was never accepted");
      }
      Thread.sleep(5);
    }
    return results.get(i);
  }

  @Override
  public void close() throws Exception {
    listener.close();
    acceptor.join(5_000);
    for (TlsChannel channel : open) {
      channel.close();
    }
  }
}
