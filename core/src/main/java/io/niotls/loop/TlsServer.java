package io.niotls.loop;

import io.niotls.context.SniMapping;
import io.niotls.context.TlsConfigException;
import io.niotls.context.TlsContext;
import io.niotls.uri.TransportUri;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * deadline from accept: the context's {@code handshakeTimeout()}.
 *
 * <p>Several names on one listener: {@link #bindSni} takes an {@link SniMapping} instead of one
 * context. Each connection's ClientHello is read before its engine is made, and its server name
 * (then the key types the client can verify) chooses the context; no name or an unknown one gets
 * the default, or, when the mapping is strict, an unknown name a fatal {@code unrecognized_name}
 * alert. The bytes read to choose are the engine's first input: nothing is read twice or lost.
 *
 * <p>Reload: {@link #reload(TlsContext)} swaps the context (certificates, keys, trust) of a running
 * server at once; connections accepted from then on use the new one, live sessions keep theirs.
 *
 * <p>Threading: every method may be called from any thread; {@link #bind} and {@link #close()}
 * block briefly and must not be called on one of the server's loop threads.
 */
public final class TlsServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(TlsServer.class.getName());

  private final TransportUri uri;
  private final List<InetSocketAddress> addresses;
  private volatile SessionSetup setup; // replaced whole by reload(): read once per accept
  private final Supplier<? extends SessionHandler> handlers;
  private final ServerOptions options;
  private final TlsEventLoopGroup group;
  private final boolean ownsGroup;
  private final TlsEventLoop acceptLoop;
  private final List<Acceptor> acceptors = new ArrayList<>();
  private final SessionSet sessions = new SessionSet();
  private final ServerLedger ledger;
  private final AtomicBoolean shuttingDown = new AtomicBoolean();
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();

  private TlsServer(
      List<ServerSocketChannel> listeners,
      TransportUri uri,
      SessionSetup setup,
      Supplier<? extends SessionHandler> handlers,
      ServerOptions options)
      throws IOException {
    this.setup = setup;
    this.handlers = handlers;
    this.options = options;
    this.ownsGroup = options.loops() == null;
    this.group = ownsGroup ? TlsEventLoopGroup.create(options.loopCount()) : options.loops();
    this.acceptLoop = group.next();
    this.ledger =
        new ServerLedger(
            new Admission(options.maxConcurrentHandshakes()),
            sessions,
            () -> acceptors.forEach(Acceptor::slotFreed));
    List<InetSocketAddress> bound = new ArrayList<>();
    for (ServerSocketChannel listener : listeners) {
      bound.add((InetSocketAddress) listener.getLocalAddress());
      acceptors.add(
          new Acceptor(
              listener,
              acceptLoop,
              ledger,
              setup.context() != null,
              this::handOff,
              "TlsServer[" + uri + "]"));
    }
    this.addresses = List.copyOf(bound);
    this.uri = uri.withPort(addresses.get(0).getPort());
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
   * @throws io.niotls.context.TlsConfigException if the context does not fit the URI (missing, a
   *     client context, or lacking the scheme's protocol version), saying what to change
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
    return bind(
        uri, SessionSetup.of(uri, context, options.session(), true), handlers, options, lookup);
  }

  /** {@link #bindSni(TransportUri, SniMapping, Supplier, ServerOptions)} with default options. */
  public static TlsServer bindSni(
      TransportUri uri, SniMapping contexts, Supplier<? extends SessionHandler> handlers)
      throws IOException {
    return bindSni(uri, contexts, handlers, ServerOptions.defaults());
  }

  /**
   * Listens as {@link #bind(TransportUri, TlsContext, Supplier, ServerOptions)} does, serving each
   * connection with the context {@code contexts} chooses from its ClientHello (see the class
   * comment). The handshake deadline, from accept, is the default context's while the ClientHello
   * is read.
   *
   * @param uri {@code tls://}, {@code ssl://}, {@code tlsv1.2://} or {@code tlsv1.3://}
   * @throws io.niotls.context.TlsConfigException if the URI is {@code tcp://}, or one of the
   *     contexts does not fit it, saying what to change
   */
  public static TlsServer bindSni(
      TransportUri uri,
      SniMapping contexts,
      Supplier<? extends SessionHandler> handlers,
      ServerOptions options)
      throws IOException {
    Objects.requireNonNull(contexts, "contexts");
    return bind(
        uri,
        SessionSetup.of(uri, contexts, options.session()),
        handlers,
        options,
        Addresses.Lookup.SYSTEM);
  }

  private static TlsServer bind(
      TransportUri uri,
      SessionSetup setup,
      Supplier<? extends SessionHandler> handlers,
      ServerOptions options,
      Addresses.Lookup lookup)
      throws IOException {
    Objects.requireNonNull(handlers, "handlers");
    if (options.loops() != null && options.loops().isShuttingDown()) {
      throw new IllegalStateException("the given loop group is shutting down");
    }
    // may look the name up: bind is a blocking call
    List<ServerSocketChannel> listeners =
        Listeners.bindAll(lookup.addresses(uri), uri.port(), options);
    TlsServer server;
    try {
      server = new TlsServer(listeners, uri, setup, handlers, options);
    } catch (IOException | RuntimeException e) {
      Listeners.closeAll(listeners);
      throw e;
    }
    server.register();
    return server;
  }

  private void register() throws IOException {
    CompletableFuture<Void> registered = new CompletableFuture<>();
    Runnable register =
        () -> {
          try {
            for (Acceptor acceptor : acceptors) {
              acceptor.register();
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

  /**
   * Serves every connection accepted from now on with {@code context}: new certificates, keys,
   * trust or policy take effect without a restart and without refusing a connection. Sessions
   * already accepted keep the context they started with until they close. The swap is atomic: each
   * connection gets the old context or the new one, whole. Both must fit the server's URI, as for
   * {@link #bind}.
   *
   * @throws io.niotls.context.TlsConfigException if {@code context} does not fit the URI (a client
   *     context, or lacking the scheme's protocol version), or the server is a {@code tcp://} one
   *     (its handlers hold the STARTTLS context themselves); the server goes on with the old one
   */
  public void reload(TlsContext context) {
    Objects.requireNonNull(context, "context");
    SessionSetup current = setup;
    if (current.context() == null) {
      throw new TlsConfigException(
          "a tcp:// server has no TLS context to reload: its handlers choose the context of each"
              + " startTls() themselves");
    }
    setup = SessionSetup.of(uri, context, current.config(), true);
  }

  /**
   * Serves every connection accepted from now on with the contexts of {@code contexts}, chosen by
   * name as for {@link #bindSni}: the whole mapping is swapped at once (names, certificates, the
   * default, strictness), as {@link #reload(TlsContext)} swaps one context. A server bound with one
   * context may take a mapping, and one bound with a mapping a single context.
   *
   * @throws io.niotls.context.TlsConfigException if a context does not fit the URI, or the server
   *     is a {@code tcp://} one; the server goes on with what it had
   */
  public void reload(SniMapping contexts) {
    Objects.requireNonNull(contexts, "contexts");
    SessionSetup current = setup;
    if (current.context() == null) {
      throw new TlsConfigException(
          "a tcp:// server has no TLS context to reload: its handlers choose the context of each"
              + " startTls() themselves");
    }
    setup = SessionSetup.of(uri, contexts, current.config());
  }

  /**
   * The contexts new connections are chosen from by name; null when the server serves one context
   * ({@link #context()}).
   */
  public SniMapping sni() {
    return setup.sni();
  }

  /**
   * The context new connections are served with: the one bound with, or the last reloaded; with
   * several chosen by name ({@link #sni()}), the default among them.
   */
  public TlsContext context() {
    return setup.context();
  }

  /** The loops serving this server. */
  public TlsEventLoopGroup loops() {
    return group;
  }

  public ServerStats stats() {
    return ledger.snapshot();
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
   * Shuts down gracefully, allowing the context's close timeout plus a second, and waits; with an
   * own loop group, until its threads have exited.
   */
  @Override
  public void close() {
    group.refuseOwnThread("TlsServer.close()");
    TlsContext context = setup.context();
    Duration closeTimeout =
        context == null ? TlsContext.DEFAULT_CLOSE_TIMEOUT : context.closeTimeout();
    shutdownGracefully(closeTimeout.plusSeconds(1)).join();
    if (ownsGroup) {
      group.close();
    }
  }

  @Override
  public String toString() {
    return "TlsServer[" + uri + "]";
  }

  private void handOff(SocketChannel socket, long acceptedAt) {
    SessionSetup setup = this.setup; // one context per connection, even across a reload
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
          ledger.handshakeEnded(null, CloseIntent.failure(t));
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
}
