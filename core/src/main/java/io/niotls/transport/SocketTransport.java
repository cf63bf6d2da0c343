package io.niotls.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A transport over a non-blocking {@link SocketChannel}. Open for extension only so that a caller
 * can decide when a read goes to the socket (the selector loop stops at a short read).
 */
public class SocketTransport implements Transport {
  private final SocketChannel channel;

  public SocketTransport(SocketChannel channel) {
    if (channel.isBlocking()) {
      throw new IllegalArgumentException("the SocketChannel must be in non-blocking mode");
    }
    this.channel = channel;
  }

  public SocketChannel channel() {
    return channel;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return channel.read(dst);
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    return channel.write(src);
  }

  @Override
  public void shutdownOutput() throws IOException {
    if (channel.isOpen()) {
      channel.shutdownOutput();
    }
  }

  @Override
  public boolean isOpen() {
    return channel.isOpen();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + channel;
  }
}
