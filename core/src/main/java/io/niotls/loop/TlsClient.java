package io.niotls.loop;

import io.niotls.context.TlsContext;
import io.niotls.uri.TransportUri;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * Opens client sessions on a {@link TlsEventLoopGroup}: non-blocking connects, name lookups on the
 * group's workers (never on a loop), SNI and host name verification from the URI's host.
 *
 * <pre>{@code
 * try (TlsClient client = TlsClient.create()) {
 *   TlsSession session = client.connect(TransportUri.parse("tls://example.com:443"),
 *       TlsContext.forClient().build(), handler).join(); // completes when the handshake does
 *   session.write(ByteBuffer.wrap(request));
 * }
 * }</pre>
 *
 * <p>Threading: every method may be called from any thread; {@link #close()} blocks and must not be
 * called on one of the client's loop threads.
 */
public final class TlsClient implements AutoCloseable {
  private final ClientOptions options;
  private final Addresses.Lookup lookup;
  private final TlsEventLoopGroup group;
  private final boolean ownsGroup;
  private final SessionSet sessions = new SessionSet();
  private final SessionListener listener =
      new SessionListener() {
        @Override
        public void handshakeEnded(Connection connection, CloseIntent failure) {}

        @Override
        public void closed(Connection connection) {
          sessions.remove(connection);
        }
      };

  private TlsClient(ClientOptions options, Addresses.Lookup lookup) {
    this.options = options;
    this.lookup = lookup;
    this.ownsGroup = options.loops() == null;
    this.group = ownsGroup ? TlsEventLoopGroup.create(options.loopCount()) : options.loops();
  }

  /** A client with its own loop group (one loop per core) and default options. */
  public static TlsClient create() {
    return create(ClientOptions.defaults());
  }

  /** A client with these options: on their {@link ClientOptions#loops()}, or an own group. */
  public static TlsClient create(ClientOptions options) {
    return new TlsClient(options, Addresses.Lookup.SYSTEM);
  }

  /** A client that resolves host names with {@code lookup}: for tests of several addresses. */
  static TlsClient create(ClientOptions options, Addresses.Lookup lookup) {
    return new TlsClient(options, lookup);
  }

  /**
   * Connects to the URI's host and port and, for TLS schemes, runs the handshake; {@code handler}
   * hears everything that happens to the session (also when the connect fails).
   *
   * <p>A host name with several addresses ({@code localhost}: {@code ::1} and {@code 127.0.0.1})
   * has them tried one after the other, in the resolver's order, until one accepts the connection;
   * all of them within {@link ClientOptions#connectTimeout()}, so an address that never answers
   * uses it up. The handshake then has the context's {@code handshakeTimeout()}. A zone id in an
   * IPv6 literal ({@code tcp://[fe80::1%25eth0]:80}) picks the interface to connect through.
   *
   * @param uri {@code tls://}/{@code ssl://} (TLS 1.3 and 1.2 as the context allows), {@code
   *     tlsv1.2://}/{@code tlsv1.3://} (that version only), or {@code tcp://} (plaintext,
   *     upgradable with {@link TlsSession#startTls}); an IPv6 host in brackets
   * @param context a client context; may be null for {@code tcp://}. The URI's host is sent as SNI
   *     (unless an IP address or overridden in the context) and the server's certificate is
   *     verified against it.
   * @return completes with the session once it is open (the handshake finished), on the session's
   *     loop thread; fails with the cause otherwise: a {@link io.niotls.engine.TlsException} for
   *     TLS failures and handshake timeouts, a {@link java.net.ConnectException} when every address
   *     refused the connect (its message names each with its reason; the cause is the last
   *     failure), an {@link java.net.UnknownHostException} when the name does not resolve
   * @throws IllegalArgumentException if the context does not fit the URI (missing, a server
   *     context, or lacking the scheme's protocol version)
   */
  public CompletableFuture<TlsSession> connect(
      TransportUri uri, TlsContext context, SessionHandler handler) {
    Objects.requireNonNull(handler, "handler");
    SessionSetup setup = SessionSetup.of(uri, context, options.session(), false);
    long deadline = System.nanoTime() + options.connectTimeout().toNanos();
    SocketChannel socket;
    try {
      socket = openSocket(options.session());
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    TlsEventLoop loop = group.next();
    Connection c =
        new Connection(
            loop, socket, handler, setup, listener, uri.toUnresolvedAddress(), uri.host());
    sessions.add(c);
    if (uri.isIpLiteral()) {
      try {
        connectOnLoop(c, uri.resolveAll(), deadline); // a literal: no lookup
      } catch (IOException e) {
        c.abort(e);
      }
    } else {
      try {
        group.workers().execute(() -> lookUpAndConnect(c, uri, deadline));
      } catch (RejectedExecutionException e) {
        c.abort(new IOException("the client is shut down", e));
      }
    }
    return c.openFuture();
  }

  /** A socket for a client connection: non-blocking, with the session's socket options. */
  static SocketChannel openSocket(SessionConfig config) throws IOException {
    SocketChannel socket = SocketChannel.open();
    try {
      socket.configureBlocking(false);
      socket.setOption(StandardSocketOptions.TCP_NODELAY, config.tcpNoDelay());
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
    return socket;
  }

  private void lookUpAndConnect(Connection c, TransportUri uri, long deadline) {
    List<InetSocketAddress> addresses;
    try {
      addresses = lookup.addresses(uri);
    } catch (IOException e) {
      try {
        c.eventLoop().execute(() -> c.abort(e));
      } catch (RejectedExecutionException gone) {
        c.abort(e);
      }
      return;
    }
    connectOnLoop(c, addresses, deadline);
  }

  private static void connectOnLoop(
      Connection c, List<InetSocketAddress> addresses, long deadline) {
    try {
      c.eventLoop().execute(() -> c.connect(addresses, deadline));
    } catch (RejectedExecutionException e) {
      c.abort(new IOException("the client's event loop has shut down", e));
    }
  }

  /** The loops this client runs on. */
  public TlsEventLoopGroup loops() {
    return group;
  }

  /** Sessions connecting or open, not yet closed. */
  public int activeSessions() {
    return sessions.size();
  }

  /**
   * Closes every session gracefully (close_notify, {@code timeout} at most), then shuts an own loop
   * group down. Sessions connected later are not affected on a shared group.
   *
   * @return completes when every session is closed (and an own group has terminated)
   */
  public CompletableFuture<Void> shutdownGracefully(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    return sessions
        .closeAll(timeout)
        .thenCompose(
            done ->
                ownsGroup
                    ? group.shutdownGracefully(
                        Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))
                    : CompletableFuture.completedFuture(null));
  }

  /**
   * Shuts down gracefully (the default close timeout, 3 s, plus a second; {@link
   * #shutdownGracefully} takes another) and waits; with an own loop group, until its threads have
   * exited.
   */
  @Override
  public void close() {
    group.refuseOwnThread("TlsClient.close()");
    shutdownGracefully(TlsContext.DEFAULT_CLOSE_TIMEOUT.plusSeconds(1)).join();
    if (ownsGroup) {
      group.close();
    }
  }
}
