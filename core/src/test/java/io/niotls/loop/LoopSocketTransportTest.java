package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The loop's socket transport stops reading at a short read until the next loop event. */
class LoopSocketTransportTest {
  private ServerSocketChannel listener;
  private SocketChannel near;
  private SocketChannel far;

  @BeforeEach
  void connect() throws Exception {
    listener =
        ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    far = SocketChannel.open(listener.getLocalAddress());
    near = listener.accept();
    near.configureBlocking(false);
  }

  @AfterEach
  void close() throws Exception {
    near.close();
    far.close();
    listener.close();
  }

  @Test
  void aShortReadLeavesLaterBytesToTheNextLoopEvent() throws Exception {
    LoopSocketTransport transport = new LoopSocketTransport(near, Activity.of(false));
    ByteBuffer in = ByteBuffer.allocate(100);
    sendAndAwait(5);
    assertThat(transport.read(in)).as("short: 5 of 100").isEqualTo(5);

    sendAndAwait(7);
    assertThat(transport.read(in)).as("same event: not asked again").isZero();

    transport.rearm();
    assertThat(transport.read(in)).as("next event").isEqualTo(7);
  }

  @Test
  void aFullReadKeepsReadingInTheSameEvent() throws Exception {
    LoopSocketTransport transport = new LoopSocketTransport(near, Activity.of(false));
    sendAndAwait(12);
    assertThat(transport.read(ByteBuffer.allocate(4))).as("full: there may be more").isEqualTo(4);
    assertThat(transport.read(ByteBuffer.allocate(100))).isEqualTo(8);
  }

  /** Sends {@code n} bytes from the far end and waits until the near end can read them. */
  private void sendAndAwait(int n) throws Exception {
    far.write(ByteBuffer.allocate(n));
    try (Selector selector = Selector.open()) {
      near.register(selector, SelectionKey.OP_READ);
      assertThat(selector.select(5_000)).as("readable within 5 s").isEqualTo(1);
    }
  }
}
