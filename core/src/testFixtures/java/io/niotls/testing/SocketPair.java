package io.niotls.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Two connected, non-blocking TCP channels on 127.0.0.1: the client's end and the server's accepted
 * end. Nagle is off so that small handshake flights are not held back by delayed ACKs. {@link
 * #close()} closes both; closing one end early is how tests cut a connection.
 */
public final class SocketPair implements AutoCloseable {
  public final SocketChannel client;
  public final SocketChannel server;

  private SocketPair(SocketChannel client, SocketChannel server) {
    this.client = client;
    this.server = server;
  }

  /** Connects a new pair through a listener on an ephemeral loopback port, closed at once. */
  public static SocketPair open() throws IOException {
    try (ServerSocketChannel listener = ServerSocketChannel.open()) {
      listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
      SocketChannel client = SocketChannel.open(listener.getLocalAddress());
      SocketChannel server;
      try {
        server = listener.accept();
      } catch (IOException e) {
        client.close();
        throw e;
      }
      for (SocketChannel end : new SocketChannel[] {client, server}) {
        end.setOption(StandardSocketOptions.TCP_NODELAY, true);
        end.configureBlocking(false);
      }
      return new SocketPair(client, server);
    }
  }

  /** The port the server end listens on, as a client would name it. */
  public int port() throws IOException {
    return ((InetSocketAddress) server.getLocalAddress()).getPort();
  }

  @Override
  public void close() {
    closeQuietly(client);
    closeQuietly(server);
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing a test socket: nothing left to lose
    }
  }
}
