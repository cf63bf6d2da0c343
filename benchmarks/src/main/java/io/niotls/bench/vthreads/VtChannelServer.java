package io.niotls.bench.vthreads;

import io.niotls.channel.TlsChannel;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * niotls's {@link TlsChannel} in blocking mode, one virtual thread per connection (the README's
 * virtual-thread server): {@code TlsChannel.server(context, socket)}, then read and write back
 * until the peer's close_notify; {@code close()} answers with ours.
 */
public final class VtChannelServer extends VirtualThreadServer<VtChannelServer.Connection> {
  private final TlsContext context;
  private final ServerSocketChannel listener;

  /** An accepted socket and the TLS over it. */
  static final class Connection implements java.io.Closeable {
    final TlsChannel tls;

    Connection(TlsChannel tls) {
      this.tls = tls;
    }

    @Override
    public void close() throws IOException {
      tls.close();
    }
  }

  private VtChannelServer(TlsContext context, ServerSocketChannel listener) {
    this.context = context;
    this.listener = listener;
  }

  /**
   * Listens on {@code host}, any free port.
   *
   * @throws IllegalArgumentException when {@code context} is not the JDK provider's (the comparison
   *     with {@code SSLSocket} is provider against provider)
   * @throws IllegalStateException when this JVM has no virtual threads
   */
  public static VtChannelServer start(TlsContext context, String host) {
    if (context.provider() != Provider.JDK) {
      throw new IllegalArgumentException(
          "vt-channel is measured against SSLSocket, which is the JDK provider: use JDK, not "
              + context.provider());
    }
    VirtualThreads.perTaskExecutor().shutdown(); // fails now, with the reason, on Java 17
    try {
      ServerSocketChannel listener = ServerSocketChannel.open();
      try {
        listener.bind(new InetSocketAddress(host, 0), 4096); // as TlsServer's backlog here
        VtChannelServer server = new VtChannelServer(context, listener);
        server.startAccepting();
        return server;
      } catch (IOException | RuntimeException e) {
        listener.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  Connection accept() throws IOException {
    SocketChannel socket = listener.accept();
    socket.setOption(StandardSocketOptions.TCP_NODELAY, true); // as TlsServer
    return new Connection(TlsChannel.server(context, socket));
  }

  @Override
  void echo(Connection connection) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
    while (connection.tls.read(buffer.clear()) >= 0) {
      buffer.flip();
      while (buffer.hasRemaining()) {
        connection.tls.write(buffer);
      }
    }
  }

  @Override
  void closeListener() throws IOException {
    listener.close();
  }

  @Override
  public String name() {
    return "vt-channel";
  }

  @Override
  public String subject() {
    return "VtTlsChannel";
  }

  @Override
  public InetSocketAddress address() {
    return (InetSocketAddress) listener.socket().getLocalSocketAddress();
  }
}
