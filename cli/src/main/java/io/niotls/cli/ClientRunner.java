package io.niotls.cli;

import io.niotls.cli.client.CertificateChain;
import io.niotls.cli.client.ClientHandler;
import io.niotls.cli.client.OcspStatus;
import io.niotls.cli.starttls.ClientDialogue;
import io.niotls.cli.starttls.FtpClientDialogue;
import io.niotls.cli.starttls.ImapClientDialogue;
import io.niotls.cli.starttls.Pop3ClientDialogue;
import io.niotls.engine.SessionInfo;
import io.niotls.loop.ClientOptions;
import io.niotls.loop.CloseReason;
import io.niotls.loop.TlsClient;
import io.niotls.loop.TlsSession;
import io.niotls.uri.Scheme;
import io.niotls.uri.TransportUri;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code niotls client}: connect, summary, stdin to the session and the session to stdout.
 *
 * <p>A plaintext URI ({@code tcp://} or no scheme) on a TLS port is a first user's easy mistake:
 * when the server's first bytes start a TLS record, the client stops and fails (exit 1) saying to
 * use {@code tls://}; when the server closes without a byte, as OpenSSL-based servers do, a note on
 * stderr says the same, as a possibility (the exit code stays 0, as for any plaintext EOF).
 *
 * <p>At the end of stdin the client waits until the server has been quiet for {@code linger} before
 * it sends close_notify: data that arrives after our close_notify is discarded (as with {@code
 * SSL_shutdown}), and an echo or a reply may still be on its way.
 */
final class ClientRunner {
  private ClientRunner() {}

  static int run(ClientCommand.Plan plan, Io io, boolean quiet, Duration linger)
      throws InterruptedException {
    ClientDialogue dialogue = dialogue(plan.startTls());
    ClientHandler handler =
        new ClientHandler(
            io.out(),
            io.err(),
            dialogue,
            dialogue == null ? null : plan.context(),
            plan.context() == null);
    try (TlsClient client = TlsClient.create(ClientOptions.builder().loopCount(1).build())) {
      TlsSession session;
      try {
        TlsSession connected =
            client.connect(plan.uri(), plan.startsTls() ? null : plan.context(), handler).get();
        session =
            plan.startsTls()
                ? startTls(connected, handler, plan, dialogue)
                : handler.secured().get();
      } catch (ExecutionException e) {
        Throwable cause = unwrap(e);
        // connect failures name the address already; TLS failures get the URI
        String where =
            cause instanceof java.net.ConnectException
                    || cause instanceof java.net.SocketTimeoutException
                    || cause instanceof java.net.UnknownHostException
                ? ""
                : "TLS with " + plan.uri() + " failed: ";
        throw CliException.failed(where + Main.describe(cause), cause);
      }
      if (!quiet && plan.context() != null) {
        summary(io.err(), plan, session.info());
      }
      if (plan.context() != null && plan.context().requestsOcspStapling()) {
        OcspStatus.print(io.err(), session.info()); // even with --quiet
      }
      if (plan.showCerts()) {
        CertificateChain.print(io.err(), session.info().peerCertificates());
        io.err().println("---");
        io.err().flush();
      }
      Thread pump = new Thread(() -> pump(io.in(), session, handler, linger), "niotls-stdin");
      pump.setDaemon(true);
      pump.start();
      // Ctrl-C or SIGTERM: still end with close_notify, briefly
      Thread hook = new Thread(() -> closeQuietly(session), "niotls-client-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        session.closeFuture().join();
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running
        }
      }
    }
    if (handler.tlsAnswer() != null) {
      throw CliException.failed(
          "the server at "
              + plan.uri()
              + " answered with TLS ("
              + handler.tlsAnswer()
              + " record came back), not plaintext: use "
              + asTls(plan.uri()),
          null);
    }
    CloseReason reason = handler.reason();
    if (plan.context() == null && reason == CloseReason.EOF && !handler.received()) {
      io.err()
          .println(
              "niotls: note: the server closed the connection without sending anything; if it"
                  + " speaks TLS, use "
                  + asTls(plan.uri()));
      io.err().flush();
    }
    if (reason == CloseReason.CLOSE_NOTIFY
        || reason == CloseReason.LOCAL
        || reason == CloseReason.EOF) {
      return Main.OK;
    }
    String why = handler.cause() == null ? "" : ": " + Main.describe(handler.cause());
    throw CliException.failed(
        "the connection to " + plan.uri() + " ended badly (" + reason + ")" + why, handler.cause());
  }

  /** The dialogue that leads up to TLS for {@code --starttls}, or null without it. */
  private static ClientDialogue dialogue(ServerCommand.StartTls protocol) {
    if (protocol == null) {
      return null;
    }
    return switch (protocol) {
      case SMTP -> ClientDialogue.smtp("niotls");
      case IMAP -> new ImapClientDialogue();
      case POP3 -> new Pop3ClientDialogue();
      case FTP -> new FtpClientDialogue();
    };
  }

  /**
   * Waits for the plaintext dialogue and the STARTTLS handshake, which the loop's deadlines do not
   * cover as a whole: a server that never answers would otherwise keep us forever.
   */
  private static TlsSession startTls(
      TlsSession plain, ClientHandler handler, ClientCommand.Plan plan, ClientDialogue dialogue)
      throws InterruptedException, ExecutionException {
    Duration limit = plan.context().handshakeTimeout().multipliedBy(2);
    try {
      return handler.secured().get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      plain.close();
      throw CliException.failed(
          "the "
              + dialogue.protocol()
              + " server at "
              + plan.uri()
              + " did not get to TLS within "
              + limit.toSeconds()
              + " s",
          e);
    }
  }

  /** Copies stdin to the session; at its end, lingers, then closes with close_notify. */
  private static void pump(
      InputStream in, TlsSession session, ClientHandler handler, Duration linger) {
    byte[] buffer = new byte[16 * 1024];
    try {
      int n;
      while ((n = in.read(buffer)) > 0) {
        ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
        while (!session.write(chunk)) {
          if (!session.isOpen()) {
            return;
          }
          handler.writable().tryAcquire(100, TimeUnit.MILLISECONDS);
        }
      }
      long quietNanos = linger.toNanos();
      long giveUp = System.nanoTime() + quietNanos + TimeUnit.SECONDS.toNanos(10);
      long eof = System.nanoTime();
      while (session.isOpen() && System.nanoTime() - giveUp < 0) {
        long last = Math.max(handler.lastData(), eof);
        boolean flushed = session.queuedBytes() == 0;
        if (flushed && System.nanoTime() - last >= quietNanos) {
          break;
        }
        Thread.sleep(10);
      }
    } catch (IOException e) {
      // stdin failed: end the session as at end of input
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    session.close();
  }

  private static void closeQuietly(TlsSession session) {
    try {
      session.close().get(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      // shutting down anyway
    }
  }

  private static void summary(PrintStream err, ClientCommand.Plan plan, SessionInfo info) {
    err.println("connected to " + plan.uri() + " with " + plan.context().providerNote());
    err.println("  protocol     " + info.protocol());
    err.println("  cipher       " + info.cipherSuite());
    err.println("  alpn         " + orNone(info.applicationProtocol()));
    err.println("  sni          " + orNone(info.serverName()));
    if (info.peerCertificates().isEmpty()) {
      err.println("  peer         no certificate");
    } else {
      X509Certificate leaf = info.peerCertificates().get(0);
      err.println("  peer         " + leaf.getSubjectX500Principal().getName());
      err.println("  issuer       " + leaf.getIssuerX500Principal().getName());
      err.println("  fingerprint  " + info.peerFingerprint());
    }
    err.println("  resumed      " + (info.resumed() ? "yes" : "no"));
    err.println("---");
    err.flush();
  }

  /** {@code tls://} and the same host and port. */
  private static TransportUri asTls(TransportUri uri) {
    return TransportUri.of(Scheme.TLS, uri.host(), uri.port());
  }

  private static Throwable unwrap(Throwable e) {
    while ((e instanceof ExecutionException || e instanceof CompletionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  private static String orNone(String s) {
    return s == null ? "none" : s;
  }
}
