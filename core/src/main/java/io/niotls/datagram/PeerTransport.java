package io.niotls.datagram;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayDeque;

/**
 * One peer's datagrams on a server's shared, unconnected {@link DatagramChannel}: the server reads
 * the socket, hands each datagram to its peer's transport ({@link #deliver}), and the peer's engine
 * receives it from there; sends go to the peer's address. The inbox is bounded: a peer that sends
 * faster than its engine reads loses the excess, as the network would. Loop-confined.
 */
public final class PeerTransport implements DatagramTransport {
  private static final int INBOX = 64;

  private final DatagramChannel channel;
  private final SocketAddress peer;
  private final ArrayDeque<ByteBuffer> inbox = new ArrayDeque<>();
  private long overflowed;

  public PeerTransport(DatagramChannel channel, SocketAddress peer) {
    this.channel = channel;
    this.peer = peer;
  }

  /** Queues a copy of {@code datagram}'s remaining bytes for the engine. */
  public void deliver(ByteBuffer datagram) {
    if (inbox.size() >= INBOX) {
      overflowed++;
      return;
    }
    ByteBuffer copy = ByteBuffer.allocate(datagram.remaining());
    copy.put(datagram.duplicate()).flip();
    inbox.add(copy);
  }

  @Override
  public int receive(ByteBuffer dst) {
    ByteBuffer next = inbox.poll();
    if (next == null) {
      return 0;
    }
    int n = next.remaining();
    if (n > dst.remaining()) {
      return dst.capacity(); // longer than any record: the engine drops it as oversized
    }
    dst.put(next);
    return n;
  }

  @Override
  public boolean send(ByteBuffer datagram) throws IOException {
    return channel.send(datagram, peer) > 0 || !datagram.hasRemaining();
  }

  public SocketAddress peer() {
    return peer;
  }

  /** Datagrams dropped because the inbox was full. */
  public long overflowed() {
    return overflowed;
  }
}
