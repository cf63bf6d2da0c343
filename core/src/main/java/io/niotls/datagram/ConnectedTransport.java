package io.niotls.datagram;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * A client's datagrams: a non-blocking {@link DatagramChannel} connected to the one peer. The
 * kernel already keeps other senders' datagrams from a connected socket; any that still reaches it
 * (queued before the connect) is dropped here and counted, never handed to the engine.
 */
public final class ConnectedTransport implements DatagramTransport {
  private final DatagramChannel channel;
  private final SocketAddress peer;
  private long strangers;
  private long unreachable;

  /**
   * @param channel non-blocking and connected to {@code peer}
   * @param peer the address the channel is connected to
   */
  public ConnectedTransport(DatagramChannel channel, SocketAddress peer) {
    this.channel = channel;
    this.peer = peer;
  }

  @Override
  public int receive(ByteBuffer dst) throws IOException {
    for (; ; ) {
      int start = dst.position();
      SocketAddress from;
      try {
        from = channel.receive(dst);
      } catch (java.net.PortUnreachableException e) {
        // an ICMP answer to an earlier datagram: nothing listens there (yet). UDP carries on,
        // and so does the handshake's timer, which ends it if nobody ever answers.
        unreachable++;
        return 0;
      }
      if (from == null) {
        return 0;
      }
      if (!peer.equals(from)) {
        strangers++;
        dst.position(start);
        continue;
      }
      int n = dst.position() - start;
      if (n == 0) {
        continue;
      }
      return n;
    }
  }

  @Override
  public boolean send(ByteBuffer datagram) throws IOException {
    try {
      return channel.write(datagram) > 0 || !datagram.hasRemaining();
    } catch (java.net.PortUnreachableException e) {
      unreachable++;
      datagram.position(datagram.limit()); // lost, as a datagram may be
      return true;
    }
  }

  /** ICMP port-unreachable answers seen: nothing listened at the peer's port then. */
  public long unreachable() {
    return unreachable;
  }

  /** Datagrams from another address that reached the channel and were dropped. */
  public long strangers() {
    return strangers;
  }
}
