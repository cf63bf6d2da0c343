package io.niotls.bench.dtls;

import io.niotls.datagram.DatagramTransport;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/** Two datagram ends in memory that lose nothing: what one sends, the other receives, in order. */
final class DatagramPipe {
  final End a = new End();
  final End b = new End();

  DatagramPipe() {
    a.peer = b;
    b.peer = a;
  }

  static final class End implements DatagramTransport {
    final ArrayDeque<ByteBuffer> inbox = new ArrayDeque<>();
    End peer;

    @Override
    public int receive(ByteBuffer dst) {
      ByteBuffer next = inbox.poll();
      if (next == null) {
        return 0;
      }
      int n = next.remaining();
      dst.put(next);
      return n;
    }

    @Override
    public boolean send(ByteBuffer datagram) {
      ByteBuffer copy = ByteBuffer.allocate(datagram.remaining());
      copy.put(datagram).flip();
      peer.inbox.add(copy);
      return true;
    }
  }
}
