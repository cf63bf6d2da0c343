package io.niotls.loop;

import io.niotls.context.TlsContext;
import io.niotls.datagram.ConnectedTransport;
import io.niotls.datagram.DtlsEngine;
import io.niotls.uri.TransportUri;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.concurrent.CompletableFuture;

/**
 * Datagram clients on the loop: {@link #connect} opens a non-blocking {@link DatagramChannel}
 * connected to the server, and for {@code dtls://} runs the handshake (with its retransmission
 * timers) before the session opens. Datagrams from any other address are dropped.
 */
public final class DatagramClient {
  private DatagramClient() {}

  /**
   * Connects to {@code uri}: resolves it here (on the caller's thread: do not call from a loop),
   * then runs the session on one loop of {@code group}.
   *
   * @param context a DTLS client context for {@code dtls://}, null for {@code udp://}
   * @param maxPacket the path MTU less IP and UDP headers ({@link DtlsEngine#DEFAULT_MAX_PACKET})
   * @return completes with the session once open (DTLS handshake done; at once for udp://), or
   *     exceptionally with the failure (a {@code TlsException}: TIMEOUT when nothing answered)
   */
  public static CompletableFuture<DatagramSession> connect(
      TransportUri uri,
      TlsContext context,
      DatagramHandler handler,
      TlsEventLoopGroup group,
      int maxPacket) {
    DatagramServer.checkFits(uri, context, true);
    DatagramChannel channel = null;
    try {
      InetSocketAddress address = uri.resolve();
      channel =
          DatagramChannel.open(
              address.getAddress() instanceof java.net.Inet6Address
                  ? StandardProtocolFamily.INET6
                  : StandardProtocolFamily.INET);
      channel.configureBlocking(false);
      channel.connect(address);
      TlsEventLoop loop = group.next();
      Connected connected = new Connected(loop, channel, address, context, uri, handler, maxPacket);
      DatagramChannel opened = channel;
      loop.execute(
          () -> {
            try {
              connected.key = loop.register(opened, SelectionKey.OP_READ, connected);
              connected.start();
            } catch (IOException | RuntimeException e) {
              connected.fail(e);
            }
          });
      return connected.session.opened;
    } catch (IOException e) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // the failure below says what went wrong
        }
      }
      return CompletableFuture.failedFuture(
          new UncheckedIOException("cannot reach " + uri + ": " + e.getMessage(), e));
    }
  }

  /** One connected session's registration. */
  private static final class Connected implements Registration {
    private final TlsEventLoop loop;
    private final DatagramChannel channel;
    private final ConnectedTransport transport;
    private final DatagramHandler handler;
    private final DatagramPeer dtls;
    final DatagramSession session;
    SelectionKey key;

    Connected(
        TlsEventLoop loop,
        DatagramChannel channel,
        InetSocketAddress address,
        TlsContext context,
        TransportUri uri,
        DatagramHandler handler,
        int maxPacket) {
      this.loop = loop;
      this.channel = channel;
      this.handler = handler;
      this.transport = new ConnectedTransport(channel, address);
      if (context == null) {
        dtls = null;
        session = new DatagramSession(loop, address, null, this::sendPlain, this::closePlain);
      } else {
        DtlsEngine engine =
            DtlsEngine.client(context, transport, uri.host(), uri.port(), maxPacket);
        dtls = new DatagramPeer(loop, engine, handler, this::closeChannel, transport::unreachable);
        session = new DatagramSession(loop, address, engine, null, dtls::close);
        dtls.session = session;
      }
      try {
        session.localAddress(channel.getLocalAddress());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    void start() {
      if (dtls != null) {
        dtls.drive();
      } else {
        session.opened.complete(session);
        handler.onOpen(session);
      }
    }

    void fail(Throwable t) {
      closeChannel();
      session.opened.completeExceptionally(t);
    }

    @Override
    public void ready(int readyOps) {
      if ((readyOps & SelectionKey.OP_WRITE) != 0) {
        key.interestOps(SelectionKey.OP_READ);
        if (dtls != null) {
          dtls.flush();
        }
      }
      if (dtls != null) {
        dtls.drive();
        return;
      }
      ByteBuffer buffer = loop.readBuffer();
      for (int i = 0; i < 256 && !session.isClosed(); i++) {
        buffer.clear();
        int n;
        try {
          n = transport.receive(buffer);
        } catch (IOException e) {
          return; // an ICMP port unreachable for an earlier send: UDP carries on
        }
        if (n == 0) {
          return;
        }
        buffer.flip();
        handler.onDatagram(session, buffer);
      }
    }

    private void sendPlain(ByteBuffer datagram) {
      try {
        transport.send(datagram);
      } catch (IOException e) {
        // lost, as a datagram may be: the peer's port may be closed (ICMP unreachable)
      }
    }

    private void closePlain() {
      if (!session.isClosed()) {
        session.markClosed();
        closeChannel();
        handler.onClose(session, null);
      }
    }

    private void closeChannel() {
      if (key != null) {
        key.cancel();
      }
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing
      }
    }

    /** Datagrams from other addresses that reached the socket and were dropped. */
    long strangers() {
      return transport.strangers();
    }

    @Override
    public void shutdown() {
      session.close();
    }

    @Override
    public void forceClose() {
      session.markClosed();
      closeChannel();
    }
  }
}
