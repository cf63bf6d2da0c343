package io.niotls.datagram;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A server peer's inbox: datagrams delivered (copied) and lent (read in place, kept if unread). */
class PeerTransportTest {
  private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 9);

  private static ByteBuffer text(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
  }

  private static String next(PeerTransport t) throws Exception {
    ByteBuffer dst = ByteBuffer.allocate(64);
    int n = t.receive(dst);
    return n == 0 ? null : new String(dst.array(), 0, n, StandardCharsets.US_ASCII);
  }

  @Test
  void aLentDatagramIsReadAfterTheQueuedOnesWithoutACopy() throws Exception {
    try (DatagramChannel channel = DatagramChannel.open()) {
      PeerTransport t = new PeerTransport(channel, PEER);
      t.deliver(text("first"));
      ByteBuffer loopBuffer = text("second");
      t.lend(loopBuffer);

      assertThat(next(t)).isEqualTo("first");
      assertThat(next(t)).isEqualTo("second");
      assertThat(loopBuffer.hasRemaining()).isFalse();
      t.keepUnread();
      assertThat(next(t)).isNull();
    }
  }

  @Test
  void aLentDatagramTheEngineDidNotReadIsCopiedBeforeTheBufferIsReused() throws Exception {
    try (DatagramChannel channel = DatagramChannel.open()) {
      PeerTransport t = new PeerTransport(channel, PEER);
      ByteBuffer loopBuffer = text("unread");
      t.lend(loopBuffer);
      t.keepUnread();
      loopBuffer.clear();
      loopBuffer.put(text("reused")).flip(); // the loop's next datagram overwrites the buffer

      assertThat(next(t)).isEqualTo("unread");
      assertThat(next(t)).isNull();
    }
  }

  @Test
  void aLentDatagramLongerThanTheEnginesBufferIsDroppedNotKept() throws Exception {
    try (DatagramChannel channel = DatagramChannel.open()) {
      PeerTransport t = new PeerTransport(channel, PEER);
      t.lend(ByteBuffer.allocate(100));
      ByteBuffer small = ByteBuffer.allocate(10);

      assertThat(t.receive(small)).isEqualTo(small.capacity()); // the engine's "oversized" signal
      t.keepUnread();
      assertThat(next(t)).isNull();
    }
  }
}
