package io.niotls.loop;

import static java.nio.channels.SelectionKey.OP_ACCEPT;

import io.niotls.context.TlsContext;
import io.niotls.uri.TransportUri;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnsupportedAddressTypeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A listening socket (one per address, when the host is a name with several) whose accepted
 * connections become {@link TlsSession}s spread over a {@link TlsEventLoopGroup}'s loops, each with
 * its own handler.
 *
 * <pre>{@code
 * TlsServer server = TlsServer.bind(TransportUri.parse("tls://127.0.0.1:8443"), serverContext,
 *     () -> new SessionHandler() {
 *       public void onData(TlsSession s, ByteBuffer data) { s.write(data); } // echo
 *     });
 * ...
 * server.close(); // close_notify to every session, then its threads end
 * }</pre>
 *
 * <p>Admission control: at most {@link ServerOptions#maxConcurrentHandshakes()} handshakes run at
 * once; beyond that the server stops accepting (new connections wait in the kernel's backlog) until
 * one finishes, and counts the pause in {@link ServerStats#admissionWaits()}. Every handshake has a
 * deadline from accept ({@link ServerOptions#handshakeTimeout()}).
 *
 * <p>Threading: every method may be called from any thread; {@link #bind} and {@link #close()}
 * block briefly and must not be called on one of the server's loop threads.
 */
public final class TlsServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(TlsServer.class.getName());
  private static final int ACCEPTS_PER_EVENT = 64;
  private static final long ACCEPT_RETRY_NANOS = 100_000_000;

  /** Tries at port 0 to find one port free on every address of a host name. */
  private static final int EPHEMERAL_ATTEMPTS = 8;

  private final TransportUri uri;
  private final List<InetSocketAddress> addresses;
  private final SessionSetup setup;
  private final Supplier<? extends SessionHandler> handlers;
  private final ServerOptions options;
  private final TlsEventLoopGroup group;
  private final boolean ownsGroup;
  private final TlsEventLoop acceptLoop;
  private final List<Acceptor> acceptors = new ArrayList<>();
  private final SessionSet sessions = new SessionSet();
  private final Ledger ledger = new Ledger();
  private final AtomicBoolean shuttingDown = new AtomicBoolean();
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();

  private TlsServer(
      List<ServerSocketChannel> listeners,
      TransportUri uri,
      SessionSetup setup,
      Supplier<? extends SessionHandler> handlers,
      ServerOptions options)
      throws IOException {
    List<InetSocketAddress> bound = new ArrayList<>();
    for (ServerSocketChannel listener : listeners) {
      bound.add((InetSocketAddress) listener.getLocalAddress());
      acceptors.add(new Acceptor(listener));
    }
    this.addresses = List.copyOf(bound);
    this.uri = uri.withPort(addresses.get(0).getPort());
    this.setup = setup;
    this.handlers = handlers;
    this.options = options;
    this.ownsGroup = options.loops() == null;
    this.group = ownsGroup ? TlsEventLoopGroup.create(options.loopCount()) : options.loops();
    this.acceptLoop = group.next();
  }

  /** {@link #bind(TransportUri, TlsContext, Supplier, ServerOptions)} with default options. */
  public static TlsServer bind(
      TransportUri uri, TlsContext context, Supplier<? extends SessionHandler> handlers)
      throws IOException {
    return bind(uri, context, handlers, ServerOptions.defaults());
  }

  /**
   * Listens on the URI's host and port (port 0: any free port, see {@link #uri()}) and serves every
   * connection with a handler from {@code handlers}.
   *
   * <p>A host name is resolved here and the server listens on every address it has, all on one
   * port: {@code tls://localhost:0} serves both {@code 127.0.0.1} and {@code ::1} when the resolver
   * gives both (see {@link #localAddresses()}). An address this machine cannot listen on (no IPv6
   * here, say) is left out as long as another one could be bound; an address where another socket
   * already listens fails the bind, except that with port 0 another free port is looked for.
   *
   * @param uri {@code tls://}/{@code ssl://} (TLS 1.3 and 1.2 as the context allows), {@code
   *     tlsv1.2://}/{@code tlsv1.3://} (that version only), or {@code tcp://} (plaintext, which
   *     handlers may upgrade with {@link TlsSession#startTls})
   * @param context a server context; may be null for {@code tcp://}
   * @param handlers makes one handler per accepted connection, on the accepting loop's thread
   * @throws IllegalArgumentException if the context does not fit the URI (missing, a client
   *     context, or lacking the scheme's protocol version), saying what to change
   * @throws BindException if an address is in use ({@code "address already in use:
   *     127.0.0.1:8443"}), or none can be bound here
   * @throws IOException if the host does not resolve or the socket cannot be opened
   */
  public static TlsServer bind(
      TransportUri uri,
      TlsContext context,
      Supplier<? extends SessionHandler> handlers,
      ServerOptions options)
      throws IOException {
    return bind(uri, context, handlers, options, Addresses.Lookup.SYSTEM);
  }

  /** {@link #bind(TransportUri, TlsContext, Supplier, ServerOptions)} with these name lookups. */
  static TlsServer bind(
      TransportUri uri,
      TlsContext context,
      Supplier<? extends SessionHandler> handlers,
      ServerOptions options,
      Addresses.Lookup lookup)
      throws IOException {
    Objects.requireNonNull(handlers, "handlers");
    SessionSetup setup = SessionSetup.of(uri, context, options.session(), true);
    if (options.loops() != null && options.loops().isShuttingDown()) {
      throw new IllegalStateException("the given loop group is shutting down");
    }
    // may look the name up: bind is a blocking call
    List<ServerSocketChannel> listeners = listenOnAll(lookup.addresses(uri), uri.port(), options);
    TlsServer server;
    try {
      server = new TlsServer(listeners, uri, setup, handlers, options);
    } catch (IOException | RuntimeException e) {
      closeAll(listeners);
      throw e;
    }
    server.register();
    return server;
  }

  /**
   * Binds every one of {@code addresses} (duplicates once) on one port: {@code port}, or for 0 the
   * port the first bind got, tried again with another ephemeral port if that one is taken on a
   * later address. Addresses that cannot be bound here for other reasons are left out, unless none
   * is left.
   */
  private static List<ServerSocketChannel> listenOnAll(
      List<InetSocketAddress> addresses, int port, ServerOptions options) throws IOException {
    Set<InetAddress> hosts = new LinkedHashSet<>();
    for (InetSocketAddress address : addresses) {
      hosts.add(address.getAddress());
    }
    if (hosts.isEmpty()) {
      throw new UnknownHostException("no address to listen on");
    }
    for (int attempt = 1; ; attempt++) {
      List<ServerSocketChannel> bound = new ArrayList<>();
      IOException unbindable = null;
      int next = port;
      try {
        for (InetAddress host : hosts) {
          InetSocketAddress to = new InetSocketAddress(host, next);
          try {
            ServerSocketChannel listener = listen(to, options);
            bound.add(listener);
            next = ((InetSocketAddress) listener.getLocalAddress()).getPort();
          } catch (BindException e) {
            if (inUse(e) || hosts.size() == 1) {
              throw explain(e, to, options);
            }
            unbindable = keep(unbindable, explain(e, to, options));
          } catch (IOException | UnsupportedAddressTypeException e) {
            if (hosts.size() == 1) {
              throw e instanceof IOException io ? io : new BindException(cannotListen(to, e));
            }
            unbindable = keep(unbindable, new BindException(cannotListen(to, e)));
          }
        }
      } catch (BindException e) {
        closeAll(bound);
        if (port == 0 && !bound.isEmpty() && inUse(e) && attempt < EPHEMERAL_ATTEMPTS) {
          continue; // the first address's ephemeral port is taken on a later one: another port
        }
        throw e;
      }
      if (bound.isEmpty()) {
        throw unbindable;
      }
      return bound;
    }
  }

  private static ServerSocketChannel listen(InetSocketAddress to, ServerOptions options)
      throws IOException {
    ServerSocketChannel listener = ServerSocketChannel.open();
    try {
      listener.setOption(StandardSocketOptions.SO_REUSEADDR, options.reuseAddress());
      listener.configureBlocking(false);
      listener.bind(to, options.backlog());
      return listener;
    } catch (IOException | RuntimeException e) {
      listener.close();
      throw e;
    }
  }

  private static boolean inUse(BindException e) {
    return String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("in use");
  }

  /** The kernel's "Address already in use", said with the address and what to do. */
  private static BindException explain(
      BindException e, InetSocketAddress to, ServerOptions options) {
    String where = Addresses.text(to);
    String message;
    if (!inUse(e)) {
      message = cannotListen(to, e);
    } else if (options.reuseAddress()) {
      message =
          "address already in use: "
              + where
              + " (another socket listens there; pick another port or stop it)";
    } else {
      message =
          "address already in use: "
              + where
              + " (address reuse is off: connections in TIME_WAIT, which linger a minute or two"
              + " after closing, may still hold the port, and address reuse, on by default, lets a"
              + " server bind despite them; or another socket listens there)";
    }
    BindException clear = new BindException(message);
    clear.initCause(e);
    return clear;
  }

  private static String cannotListen(InetSocketAddress to, Exception e) {
    return "cannot listen on " + Addresses.text(to) + ": " + e.getMessage();
  }

  private static IOException keep(IOException first, IOException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  private static void closeAll(List<ServerSocketChannel> listeners) {
    for (ServerSocketChannel listener : listeners) {
      try {
        listener.close();
      } catch (IOException ignored) {
        // giving up on this bind anyway
      }
    }
  }

  private void register() throws IOException {
    CompletableFuture<Void> registered = new CompletableFuture<>();
    Runnable register =
        () -> {
          try {
            for (Acceptor acceptor : acceptors) {
              acceptor.key = acceptLoop.register(acceptor.listener, OP_ACCEPT, acceptor);
            }
            registered.complete(null);
          } catch (Throwable t) {
            registered.completeExceptionally(t);
          }
        };
    if (acceptLoop.inEventLoop()) {
      register.run();
    } else {
      acceptLoop.execute(register);
    }
    try {
      registered.join();
    } catch (RuntimeException e) {
      close();
      throw new IOException("cannot start accepting on " + uri + ": " + e.getCause(), e);
    }
  }

  /**
   * The URI listened on, with the real port when 0 was asked for. Its host is as given: a name
   * stays a name ({@code tls://localhost:40123}); {@link #localAddresses()} says where that led.
   */
  public TransportUri uri() {
    return uri;
  }

  /**
   * The first bound address: for a host name, the first of its addresses (in the resolver's order)
   * that could be bound. {@code localAddresses().get(0)}.
   */
  public InetSocketAddress localAddress() {
    return addresses.get(0);
  }

  /**
   * Every bound address, all with the same port, in the resolver's order: one for an IP literal,
   * one or more for a host name ({@code 127.0.0.1} and {@code ::1} for {@code localhost}, when the
   * resolver gives both). Immutable.
   */
  public List<InetSocketAddress> localAddresses() {
    return addresses;
  }

  /** The loops serving this server. */
  public TlsEventLoopGroup loops() {
    return group;
  }

  public ServerStats stats() {
    return ledger.snapshot(sessions.size());
  }

  /**
   * Stops accepting, sends close_notify to every session and gives them {@code timeout} to finish
   * before closing the rest at once; an own loop group (no {@link ServerOptions#loops}) then shuts
   * down too. Idempotent.
   *
   * @return completes when the listening socket and every session are closed (and an own group has
   *     terminated)
   */
  public CompletableFuture<Void> shutdownGracefully(Duration timeout) {
    if (!shuttingDown.compareAndSet(false, true)) {
      return terminated;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      acceptLoop.execute(() -> acceptors.forEach(Acceptor::stop));
    } catch (RejectedExecutionException gone) {
      acceptors.forEach(Acceptor::stop);
    }
    sessions
        .closeAll(timeout)
        .thenCompose(
            done -> {
              if (!ownsGroup) {
                return CompletableFuture.<Void>completedFuture(null);
              }
              long left = Math.max(0, deadline - System.nanoTime());
              return group.shutdownGracefully(Duration.ofNanos(left));
            })
        .whenComplete((ok, error) -> terminated.complete(null));
    return terminated;
  }

  /**
   * Shuts down gracefully, allowing the close timeout plus a second, and waits; with an own loop
   * group, until its threads have exited.
   */
  @Override
  public void close() {
    group.refuseOwnThread("TlsServer.close()");
    shutdownGracefully(options.closeTimeout().plusSeconds(1)).join();
    if (ownsGroup) {
      group.close();
    }
  }

  @Override
  public String toString() {
    return "TlsServer[" + uri + "]";
  }

  private void handOff(SocketChannel socket, long acceptedAt) {
    Connection c = null;
    try {
      socket.configureBlocking(false);
      socket.setOption(StandardSocketOptions.TCP_NODELAY, setup.config().tcpNoDelay());
      InetSocketAddress peer = (InetSocketAddress) socket.getRemoteAddress();
      TlsEventLoop target = group.next();
      c =
          new Connection(
              target,
              socket,
              handlers.get(),
              setup,
              ledger,
              peer,
              null); // the peer's address text only if it upgrades as a client: not per accept
      sessions.add(c);
      Connection accepted = c;
      target.execute(() -> accepted.accepted(acceptedAt));
      if (shuttingDown.get()) {
        c.close(); // raced with shutdown: it would be missed by closeAll
      }
    } catch (Throwable t) {
      if (c != null) {
        c.abort(t);
      } else {
        closeQuietly(socket);
        if (setup.context() != null) {
          ledger.handshakeEnded(null, false);
        }
        LOG.log(System.Logger.Level.WARNING, this + ": cannot take a connection", t);
      }
    }
  }

  private static void closeQuietly(SocketChannel socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // it was never ours to use
    }
  }

  /** A listening socket on the accept loop: accepts, pauses for admission control, stops. */
  private final class Acceptor implements Registration {
    private final ServerSocketChannel listener;
    private SelectionKey key;
    private volatile boolean paused;
    private final AtomicBoolean resumeQueued = new AtomicBoolean();

    Acceptor(ServerSocketChannel listener) {
      this.listener = listener;
    }

    @Override
    public void ready(int readyOps) {
      boolean tls = setup.context() != null;
      for (int i = 0; i < ACCEPTS_PER_EVENT && key.isValid(); i++) {
        if (tls && ledger.handshaking.get() >= options.maxConcurrentHandshakes()) {
          pause();
          return;
        }
        SocketChannel socket;
        try {
          socket = listener.accept();
        } catch (IOException e) { // out of file descriptors, typically: back off, do not spin
          LOG.log(System.Logger.Level.WARNING, TlsServer.this + ": accept failed: " + e);
          key.interestOps(0);
          acceptLoop.at(System.nanoTime() + ACCEPT_RETRY_NANOS, this::resume);
          return;
        }
        if (socket == null) {
          return;
        }
        long acceptedAt = System.nanoTime();
        ledger.accepted.increment();
        if (tls) {
          ledger.handshakeStarted();
        }
        handOff(socket, acceptedAt);
      }
    }

    private void pause() {
      paused = true;
      ledger.admissionWaits.increment();
      key.interestOps(0);
      if (ledger.handshaking.get() < options.maxConcurrentHandshakes()) {
        resume(); // a handshake ended between our check and the pause: nobody else will resume
      }
    }

    /** A handshake ended: resume accepting if paused. Any thread. */
    void slotFreed() {
      if (paused && resumeQueued.compareAndSet(false, true)) {
        try {
          acceptLoop.execute(
              () -> {
                resumeQueued.set(false);
                resume();
              });
        } catch (RejectedExecutionException gone) {
          // the loop is shutting down: nothing to accept any more
        }
      }
    }

    private void resume() {
      if (key.isValid()
          && !shuttingDown.get()
          && ledger.handshaking.get() < options.maxConcurrentHandshakes()) {
        paused = false;
        key.interestOps(OP_ACCEPT);
      }
    }

    void stop() {
      try {
        listener.close();
      } catch (IOException e) {
        LOG.log(System.Logger.Level.WARNING, TlsServer.this + ": closing the listener: " + e);
      }
    }

    @Override
    public void shutdown() {
      shuttingDown.set(true);
      stop();
    }

    @Override
    public void forceClose() {
      stop();
    }
  }

  /**
   * What the server counts (connections, handshakes, unsent bytes), and what frees an admission
   * slot when a handshake ends: the listener its sessions report to.
   */
  private final class Ledger implements SessionListener {
    final LongAdder accepted = new LongAdder();
    final LongAdder completed = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder admissionWaits = new LongAdder();
    final LongAdder unsentSessions = new LongAdder();
    final LongAdder unsentBytes = new LongAdder();
    final AtomicInteger handshaking = new AtomicInteger();
    final AtomicInteger peak = new AtomicInteger();

    void handshakeStarted() {
      peak.accumulateAndGet(handshaking.incrementAndGet(), Math::max);
    }

    @Override
    public void handshakeEnded(Connection connection, boolean ok) {
      (ok ? completed : failed).increment();
      handshaking.decrementAndGet();
      for (Acceptor acceptor : acceptors) {
        acceptor.slotFreed();
      }
    }

    @Override
    public void closed(Connection connection) {
      sessions.remove(connection);
      long unsent = connection.unsentBytes();
      if (unsent > 0) {
        unsentSessions.increment();
        unsentBytes.add(unsent);
      }
    }

    ServerStats snapshot(int active) {
      return new ServerStats(
          accepted.sum(),
          completed.sum(),
          failed.sum(),
          admissionWaits.sum(),
          peak.get(),
          handshaking.get(),
          active,
          unsentSessions.sum(),
          unsentBytes.sum());
    }
  }
}
