package io.niotls.loop;

import io.niotls.context.TlsConfigException;
import io.niotls.context.TlsContext;
import io.niotls.datagram.CookieGate;
import io.niotls.datagram.DtlsEngine;
import io.niotls.datagram.PeerTransport;
import io.niotls.uri.TransportUri;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A datagram server on one loop: one non-blocking {@link DatagramChannel} for every peer,
 * demultiplexed by the peer's address. For {@code dtls://} a peer gets a session only once its
 * ClientHello comes back with the cookie ({@link CookieGate}): a spoofed hello costs a
 * HelloVerifyRequest and leaves nothing behind. For {@code udp://} a peer's first datagram opens
 * its session. The handler is shared by every session, on the loop thread.
 */
public final class DatagramServer implements AutoCloseable {
  /**
   * How long a peer may send nothing before its session is closed (close_notify for DTLS): UDP
   * never says that a peer went away, so without it a server would keep every peer it ever had.
   */
  public static final Duration IDLE_TIMEOUT = Duration.ofMinutes(5);

  private static final long SWEEP_NANOS = Duration.ofSeconds(30).toNanos();

  private final TlsEventLoop loop;
  private final DatagramChannel channel;
  private final TlsContext context;
  private final DatagramHandler handler;
  private final CookieGate gate;
  private final int maxPacket;
  private final Map<SocketAddress, Peer> peers = new HashMap<>();
  private volatile int sessions;
  private volatile long verifyRequests;
  private SelectionKey key;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();

  /**
   * A peer: its transport, and its DTLS driver or, for udp://, nothing more; and when it last sent
   * (kept here rather than in a map of its own: one lookup per datagram, no boxing).
   */
  private static final class Peer {
    final PeerTransport transport;
    final DatagramPeer dtls;
    final DatagramSession session;
    long lastSeen;

    Peer(PeerTransport transport, DatagramPeer dtls, DatagramSession session, long now) {
      this.transport = transport;
      this.dtls = dtls;
      this.session = session;
      this.lastSeen = now;
    }

    PeerTransport transport() {
      return transport;
    }

    DatagramPeer dtls() {
      return dtls;
    }

    DatagramSession session() {
      return session;
    }
  }

  private DatagramServer(
      TlsEventLoop loop,
      DatagramChannel channel,
      TlsContext context,
      DatagramHandler handler,
      int maxPacket) {
    this.loop = loop;
    this.channel = channel;
    this.context = context;
    this.handler = handler;
    this.maxPacket = maxPacket;
    this.gate = context == null ? null : new CookieGate(context, maxPacket);
  }

  /**
   * Binds {@code uri} ({@code udp://} or {@code dtls://}; an IP literal or a name resolved here, on
   * the caller's thread) on one loop of {@code group}.
   *
   * @param context a DTLS server context for {@code dtls://}, null for {@code udp://}
   * @param maxPacket the path MTU less IP and UDP headers ({@link DtlsEngine#DEFAULT_MAX_PACKET})
   * @throws TlsConfigException if the scheme is not a datagram one or the context does not fit
   * @throws UncheckedIOException if the address cannot be bound
   */
  public static DatagramServer bind(
      TransportUri uri,
      TlsContext context,
      DatagramHandler handler,
      TlsEventLoopGroup group,
      int maxPacket) {
    checkFits(uri, context, false);
    DatagramChannel channel = null;
    try {
      InetSocketAddress address = uri.resolve();
      channel =
          DatagramChannel.open(
              address.getAddress() instanceof java.net.Inet6Address
                  ? StandardProtocolFamily.INET6
                  : StandardProtocolFamily.INET);
      channel.configureBlocking(false);
      channel.bind(address);
      TlsEventLoop loop = group.next();
      DatagramServer server = new DatagramServer(loop, channel, context, handler, maxPacket);
      CompletableFuture<Void> registered = new CompletableFuture<>();
      loop.execute(
          () -> {
            try {
              server.key = loop.register(server.channel, SelectionKey.OP_READ, server.new Socket());
              server.scheduleSweep();
              registered.complete(null);
            } catch (IOException | RuntimeException e) {
              registered.completeExceptionally(e);
            }
          });
      registered.join();
      return server;
    } catch (IOException | java.util.concurrent.CompletionException e) {
      closeQuietly(channel);
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new UncheckedIOException(
          "cannot listen for datagrams on " + uri + ": " + cause.getMessage(),
          cause instanceof IOException io ? io : new IOException(cause));
    }
  }

  static void checkFits(TransportUri uri, TlsContext context, boolean client) {
    if (!uri.scheme().isDatagram()) {
      throw new TlsConfigException(
          uri.scheme().text() + ":// is a stream: use TlsServer/TlsClient, or udp:// or dtls://");
    }
    if (uri.isTls()) {
      if (context == null || !context.isDatagram()) {
        throw new TlsConfigException(
            uri.scheme().text()
                + ":// needs a DTLS context: TlsContext."
                + (client ? "forClient()" : "forServer(keys)")
                + ".datagrams()");
      }
      if (context.isClient() != client) {
        throw new TlsConfigException(
            client
                ? "a DTLS client needs a client context, got a server context"
                : "a DTLS server needs a server context, got a client context");
      }
    }
  }

  /** The bound address (with the port the system chose for port 0). */
  public InetSocketAddress localAddress() {
    try {
      return (InetSocketAddress) channel.getLocalAddress();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Peers with a session now (handshaking or open). Never counts a peer before its cookie. */
  public int sessionCount() {
    return sessions;
  }

  /** ClientHellos answered with a HelloVerifyRequest, keeping nothing. */
  public long verifyRequests() {
    return verifyRequests;
  }

  /** Closes every session (close_notify for DTLS) and the socket. Any thread. */
  @Override
  public void close() {
    try {
      loop.execute(this::closeAll);
    } catch (java.util.concurrent.RejectedExecutionException terminated) {
      closeQuietly(channel);
      closed.complete(null);
    }
    closed.join();
  }

  private void closeAll() {
    for (Peer p : peers.values().toArray(new Peer[0])) {
      if (p.dtls() != null) {
        p.dtls().close();
      } else {
        p.session().markClosed();
        handler.onClose(p.session(), null);
      }
    }
    peers.clear();
    sessions = 0;
    if (key != null) {
      key.cancel();
    }
    closeQuietly(channel);
    closed.complete(null);
  }

  private static void closeQuietly(DatagramChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing: nothing left to do
      }
    }
  }

  /** The socket's registration: reads every waiting datagram and hands it to its peer. */
  private final class Socket implements Registration {
    @Override
    public void ready(int readyOps) {
      if ((readyOps & SelectionKey.OP_WRITE) != 0) {
        key.interestOps(SelectionKey.OP_READ);
        for (Peer p : peers.values()) {
          if (p.dtls() != null) {
            p.dtls().flush();
          }
        }
      }
      ByteBuffer buffer = loop.readBuffer();
      long now = System.nanoTime(); // one reading per batch: the idle timeout counts minutes
      for (int i = 0; i < 256; i++) {
        buffer.clear();
        SocketAddress from;
        try {
          from = channel.receive(buffer);
        } catch (IOException e) {
          return; // an ICMP error for an earlier send: nothing to read now
        }
        if (from == null) {
          return;
        }
        buffer.flip();
        Peer peer = peers.get(from);
        if (peer == null) {
          peer = admit(from, buffer, now);
          if (peer == null) {
            continue;
          }
          if (peer.dtls() != null) {
            peer.dtls().drive();
            continue;
          }
        } else {
          peer.lastSeen = now;
        }
        if (peer.dtls() != null) {
          // the engine reads the datagram from the loop's buffer during drive(); only what it
          // leaves unread (a closed session, a full socket) is copied before the buffer is reused
          peer.transport().lend(buffer);
          peer.dtls().drive();
          peer.transport().keepUnread();
        } else if (!peer.session().isClosed()) {
          handler.onDatagram(peer.session(), buffer);
        }
      }
    }

    private Peer admit(SocketAddress from, ByteBuffer datagram, long now) {
      PeerTransport transport = new PeerTransport(channel, from);
      if (gate == null) {
        DatagramSession session =
            new DatagramSession(loop, from, null, d -> sendPlain(d, from), () -> forget(from));
        session.localAddress(localAddress());
        Peer peer = new Peer(transport, null, session, now);
        peers.put(from, peer);
        sessions = peers.size();
        handler.onOpen(session);
        return peer;
      }
      DtlsEngine engine = gate.admit(datagram, transport);
      verifyRequests = gate.verifyRequests();
      if (engine == null) {
        return null;
      }
      DatagramPeer dtls = new DatagramPeer(loop, engine, handler, () -> forget(from));
      DatagramSession session = new DatagramSession(loop, from, engine, null, dtls::close);
      dtls.session = session;
      session.localAddress(localAddress());
      Peer peer = new Peer(transport, dtls, session, now);
      peers.put(from, peer);
      sessions = peers.size();
      return peer;
    }

    @Override
    public void shutdown() {
      closeAll();
    }

    @Override
    public void forceClose() {
      peers.clear();
      sessions = 0;
      closeQuietly(channel);
      closed.complete(null);
    }
  }

  private void sendPlain(ByteBuffer datagram, SocketAddress to) {
    try {
      if (channel.send(datagram, to) == 0) {
        key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE); // lost, as UDP may
      }
    } catch (IOException e) {
      // a datagram that cannot go is lost, as any datagram may be
    }
  }

  private void scheduleSweep() {
    loop.at(System.nanoTime() + SWEEP_NANOS, this::sweep);
  }

  /** Closes the sessions of peers quiet for {@link #IDLE_TIMEOUT}. */
  private void sweep() {
    if (!channel.isOpen()) {
      return;
    }
    long now = System.nanoTime();
    for (Map.Entry<SocketAddress, Peer> e : java.util.List.copyOf(peers.entrySet())) {
      Peer p = e.getValue();
      if (now - p.lastSeen > IDLE_TIMEOUT.toNanos()) {
        if (p.dtls() != null) {
          p.dtls().close();
        } else {
          forget(e.getKey());
        }
      }
    }
    scheduleSweep();
  }

  private void forget(SocketAddress peer) {
    Peer p = peers.remove(peer);
    sessions = peers.size();
    if (p != null && p.dtls() == null && !p.session().isClosed()) {
      p.session().markClosed();
      handler.onClose(p.session(), null);
    }
  }
}
