package io.niotls.cli;

import io.niotls.cli.ServerCommand.Mode;
import io.niotls.cli.server.ContextReloader;
import io.niotls.cli.server.EchoHandler;
import io.niotls.cli.server.HttpHandler;
import io.niotls.cli.server.SmtpHandler;
import io.niotls.cli.server.SniCertificates;
import io.niotls.cli.server.StartTlsHandler;
import io.niotls.cli.server.Tally;
import io.niotls.cli.smtp.SmtpServerDialogue.Message;
import io.niotls.cli.starttls.FtpServerDialogue;
import io.niotls.cli.starttls.ImapServerDialogue;
import io.niotls.cli.starttls.Pop3ServerDialogue;
import io.niotls.context.TlsContext;
import io.niotls.loop.CloseReason;
import io.niotls.loop.HandshakeLatency;
import io.niotls.loop.ServerOptions;
import io.niotls.loop.ServerStats;
import io.niotls.loop.SessionHandler;
import io.niotls.loop.TlsServer;
import io.niotls.uri.AddressText;
import io.niotls.uri.TransportUri;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** Runs {@code niotls server}: binds, prints the listening line, serves until told to stop. */
final class ServerRunner {
  /** How long a stopping server gives its sessions to finish their close_notify exchange. */
  static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(3);

  private ServerRunner() {}

  static int run(ServerCommand.Plan plan, Io io) throws IOException, InterruptedException {
    CountDownLatch stop = new CountDownLatch(1);
    Tally tally =
        new Tally(plan.maxConnections() == null ? 0 : plan.maxConnections(), stop::countDown);
    AtomicReference<TlsContext> startTls = new AtomicReference<>(plan.context());
    TlsServer server =
        plan.sni() != null
            ? bindSni(plan, tally.counting(handlers(plan, tally, io, startTls::get)))
            : bind(
                plan.uri(),
                plan.context(),
                tally.counting(handlers(plan, tally, io, startTls::get)),
                options(plan));
    ContextReloader reloader = reloader(plan, server, startTls, io);
    ScheduledExecutorService statsPrinter = statsPrinter(plan, server, io);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              // SIGINT/SIGTERM: let the main thread shut the server down gracefully, bounded
              stop.countDown();
              await(stopped, SHUTDOWN_GRACE.plusSeconds(2));
            },
            "niotls-server-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      io.out().println(listeningLine(server.uri(), server.localAddresses(), plan.context()));
      if (plan.sni() != null) {
        plan.sni().certificates().lines().forEach(io.out()::println);
      }
      io.out().flush();
      if (plan.duration() != null) {
        stop.await(plan.duration().toMillis(), TimeUnit.MILLISECONDS);
      } else {
        stop.await();
      }
    } finally {
      if (statsPrinter != null) {
        statsPrinter.shutdownNow();
      }
      if (reloader != null) {
        reloader.close();
      }
      server.shutdownGracefully(SHUTDOWN_GRACE);
      server.close();
      io.err()
          .println(
              "stopped: "
                  + tally.closed()
                  + " connections served"
                  + (plan.smtp() ? ", " + tally.messages() + " messages accepted" : "")
                  + handshakes(plan, server));
      io.err().flush();
      stopped.countDown(); // after the last word: a shutdown hook waiting on it lets the JVM halt
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it is what stopped us
      }
    }
    return Main.OK;
  }

  /** STARTTLS upgrades are not counted as handshakes by the server: counts for tls:// only. */
  private static String handshakes(ServerCommand.Plan plan, TlsServer server) {
    if (!plan.uri().isTls()) {
      return "";
    }
    ServerStats stats = server.stats();
    // Echoed bytes a TLS 1.2 (or BoringSSL engine) close_notify cut off are not a clean end
    String unsent =
        stats.unsentSessions() == 0
            ? ""
            : "; "
                + stats.unsentSessions()
                + " closed by the peer with "
                + stats.unsentBytes()
                + " bytes unsent";
    return " ("
        + stats.handshakesCompleted()
        + " handshakes, "
        + stats.handshakesFailed()
        + " failed"
        + unsent
        + limited(stats)
        + ")";
  }

  /** Prints {@link #statsLine} on stderr every {@code --stats} period; null without it. */
  private static ScheduledExecutorService statsPrinter(
      ServerCommand.Plan plan, TlsServer server, Io io) {
    Duration every = plan.limits().stats();
    if (every == null) {
      return null;
    }
    ScheduledExecutorService printer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "niotls-server-stats");
              t.setDaemon(true);
              return t;
            });
    printer.scheduleAtFixedRate(
        () -> {
          io.err().println(statsLine(server.stats()));
          io.err().flush();
        },
        every.toMillis(),
        every.toMillis(),
        TimeUnit.MILLISECONDS);
    return printer;
  }

  /**
   * {@code stats: 12 active, 340 handshakes (25% resumed; p50 1.8 ms, p99 12.0 ms), 2 failed (alert
   * certificate_unknown: 2), 1.2 MB in, 3.4 MB out}: bytes of the sessions closed so far.
   */
  static String statsLine(ServerStats s) {
    HandshakeLatency l = s.handshakeLatency();
    String failures =
        s.handshakeFailures().isEmpty()
            ? ""
            : s.handshakeFailures().entrySet().stream()
                .map(e -> e.getKey() + ": " + e.getValue())
                .collect(Collectors.joining(", ", " (", ")"));
    return String.format(
        java.util.Locale.ROOT,
        "stats: %d active, %d handshakes (%.0f%% resumed; p50 %.1f ms, p99 %.1f ms), %d failed%s,"
            + " %s in, %s out",
        s.activeSessions(),
        s.handshakesCompleted(),
        100 * s.resumptionRatio(),
        l.p50().toNanos() / 1e6,
        l.p99().toNanos() / 1e6,
        s.handshakesFailed(),
        failures,
        bytes(s.bytesIn()),
        bytes(s.bytesOut()));
  }

  private static String bytes(long n) {
    if (n < 10_000) {
      return n + " B";
    }
    return n < 10_000_000
        ? String.format(java.util.Locale.ROOT, "%.1f kB", n / 1e3)
        : String.format(java.util.Locale.ROOT, "%.1f MB", n / 1e6);
  }

  /** "; 2 closed idle, 1 expired, 1 stalled" for the sessions the limits closed; else "". */
  private static String limited(ServerStats stats) {
    StringBuilder text = new StringBuilder();
    for (CloseReason reason : List.of(CloseReason.IDLE, CloseReason.EXPIRED, CloseReason.STALLED)) {
      long n = stats.closed(reason);
      if (n > 0) {
        text.append(text.length() == 0 ? "; " + n + " closed " : ", " + n + " ")
            .append(reason.name().toLowerCase(java.util.Locale.ROOT));
      }
    }
    return text.toString();
  }

  /**
   * Binds a server, turning a refused address into a one-line failure.
   *
   * @throws CliException (exit 1) when the address is in use or cannot be bound
   */
  static TlsServer bind(
      TransportUri uri,
      TlsContext context,
      Supplier<? extends SessionHandler> handlers,
      ServerOptions options)
      throws IOException {
    try {
      return TlsServer.bind(uri, uri.isTls() ? context : null, handlers, options);
    } catch (BindException e) {
      throw CliException.failed(e.getMessage(), e);
    }
  }

  /**
   * Binds a server that chooses among several certificates by SNI, as {@link #bind} does for one.
   *
   * @throws CliException (exit 1) when the address is in use or cannot be bound
   */
  private static TlsServer bindSni(
      ServerCommand.Plan plan, Supplier<? extends SessionHandler> handlers) throws IOException {
    try {
      return TlsServer.bindSni(
          plan.uri(), plan.sni().certificates().mapping(), handlers, options(plan));
    } catch (BindException e) {
      throw CliException.failed(e.getMessage(), e);
    }
  }

  /**
   * {@code listening tls://127.0.0.1:40123 sha256:<hex>}; no fingerprint for plain tcp://. For a
   * host name, the addresses it led to follow in parentheses: {@code listening
   * tls://localhost:40123 sha256:<hex> (on 127.0.0.1:40123, [::1]:40123)}. The URI and the
   * fingerprint stay the second and third words, for scripts.
   */
  static String listeningLine(TransportUri uri, List<InetSocketAddress> bound, TlsContext context) {
    String line =
        "listening " + uri + (context == null ? "" : " " + context.keyMaterial().fingerprint());
    if (uri.isIpLiteral()) {
      return line; // the URI is the address
    }
    return line
        + bound.stream().map(AddressText::of).collect(Collectors.joining(", ", " (on ", ")"));
  }

  private static ServerOptions options(ServerCommand.Plan plan) {
    ServerOptions.Builder options =
        ServerOptions.builder().reuseAddress(plan.reuseAddress()).tcpNoDelay(plan.tcpNoDelay());
    ServerCommand.Limits limits = plan.limits();
    if (limits.idle() != null) {
      options.idleTimeout(limits.idle());
    }
    if (limits.lifetime() != null) {
      options.maxLifetime(limits.lifetime());
    }
    if (limits.writeStall() != null) {
      options.writeStallTimeout(limits.writeStall());
    }
    return options.build();
  }

  /**
   * Reloads on SIGHUP (and on file changes when asked): into the server for tls://, into what the
   * sessions upgrade with for STARTTLS. Null for a plaintext server; a server whose certificate was
   * generated says on SIGHUP that it has nothing to reload.
   */
  private static ContextReloader reloader(
      ServerCommand.Plan plan, TlsServer server, AtomicReference<TlsContext> startTls, Io io) {
    if (plan.context() == null) {
      return null;
    }
    ServerCommand.Reload reload = plan.reload();
    if (reload == null) {
      Hangup.onSignal(
          () -> {
            io.err()
                .println(
                    "SIGHUP: nothing to reload: the certificate was generated at start (give"
                        + " --cert/--key or --keystore to serve files that can be reloaded)");
            io.err().flush();
          });
      return null;
    }
    Consumer<TlsContext> install = plan.startTls() != null ? startTls::set : server::reload;
    Supplier<TlsContext> rebuild = reload.rebuild();
    if (plan.sni()
        != null) { // the whole mapping is read again and swapped; the line names its default
      AtomicReference<SniCertificates> next = new AtomicReference<>();
      rebuild =
          () -> {
            next.set(plan.sni().rebuild().get());
            return next.get().mapping().defaultContext();
          };
      install = context -> server.reload(next.get().mapping());
    }
    ContextReloader reloader =
        new ContextReloader(rebuild, install, plan.context(), reload.files(), io.out(), io.err());
    Hangup.onSignal(() -> reloader.reload("SIGHUP"));
    if (reload.onChange()) {
      reloader.watchFiles();
    }
    return reloader;
  }

  private static Supplier<SessionHandler> handlers(
      ServerCommand.Plan plan, Tally tally, Io io, Supplier<TlsContext> startTls) {
    if (plan.smtp()) {
      String hostname = plan.uri().isIpLiteral() ? "localhost" : plan.uri().host();
      Consumer<Message> delivered = message -> accepted(message, tally, io.out());
      return () -> new SmtpHandler(startTls.get(), hostname, delivered);
    }
    if (plan.startTls() != null) {
      return switch (plan.startTls()) {
        case IMAP -> () -> new StartTlsHandler(startTls.get(), new ImapServerDialogue());
        case POP3 -> () -> new StartTlsHandler(startTls.get(), new Pop3ServerDialogue());
        case FTP -> () -> new StartTlsHandler(startTls.get(), new FtpServerDialogue());
        case SMTP -> throw new IllegalStateException("SMTP has its own handler");
      };
    }
    return plan.mode() == Mode.HTTP ? HttpHandler::new : EchoHandler::new;
  }

  /**
   * One line on stdout per message an SMTP server accepts, such as {@code message 1 from
   * <a@example.org> to <b@example.org>: 123 bytes}; numbered and printed under one lock, so the
   * numbers appear in order whatever loop thread accepted the message.
   */
  private static void accepted(Message message, Tally tally, PrintStream out) {
    synchronized (out) {
      out.println(message.describe(tally.messageAccepted()));
      out.flush();
    }
  }

  private static void await(CountDownLatch latch, Duration timeout) {
    try {
      latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
