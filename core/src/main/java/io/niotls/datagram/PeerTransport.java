package io.niotls.datagram;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayDeque;

/**
 * One peer's datagrams on a server's shared, unconnected {@link DatagramChannel}: the server reads
 * the socket, hands each datagram to its peer's transport ({@link #deliver}, or {@link #lend} when
 * the engine reads at once), and the peer's engine receives it from there; sends go to the peer's
 * address. The inbox is bounded: a peer that sends faster than its engine reads loses the excess,
 * as the network would. Loop-confined.
 */
public final class PeerTransport implements DatagramTransport {
  private static final int INBOX = 64;

  private final DatagramChannel channel;
  private final SocketAddress peer;
  private final ArrayDeque<ByteBuffer> inbox = new ArrayDeque<>();
  private long overflowed;
  private ByteBuffer lent;

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

  /**
   * Offers {@code datagram} without copying it, for an engine about to read (the server drives the
   * peer's engine right after): the engine reads it after what the inbox holds. It stays the
   * caller's buffer, so the caller must call {@link #keepUnread()} before it reuses the buffer,
   * which copies into the inbox what the engine did not read. On the common path, where the engine
   * reads each datagram as it arrives, this saves a copy and an allocation per datagram.
   */
  public void lend(ByteBuffer datagram) {
    keepUnread();
    lent = datagram;
  }

  /** Takes back the datagram {@link #lend} offered: queues a copy if the engine has not read it. */
  public void keepUnread() {
    ByteBuffer unread = lent;
    lent = null;
    if (unread != null && unread.hasRemaining()) {
      deliver(unread);
    }
  }

  @Override
  public int receive(ByteBuffer dst) {
    ByteBuffer next = inbox.poll();
    if (next == null) {
      next = lent;
      lent = null;
      if (next == null) {
        return 0;
      }
    }
    int n = next.remaining();
    if (n > dst.remaining()) {
      next.position(next.limit());
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
