package io.niotls.cli.client;

import io.niotls.cli.smtp.LineBuffer;
import io.niotls.cli.smtp.SmtpClientDialogue;
import io.niotls.cli.smtp.SmtpClientDialogue.Step;
import io.niotls.context.TlsContext;
import io.niotls.loop.CloseReason;
import io.niotls.loop.TlsHandler;
import io.niotls.loop.TlsSession;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * The client command's side of one session: received bytes to {@code out}, the SMTP dialogue up to
 * STARTTLS when asked (its lines echoed to {@code err}), and the events the stdin pump waits for.
 * Callbacks run on the session's loop thread; the accessors may be read from any thread.
 */
public final class ClientHandler implements TlsHandler {
  private final PrintStream out;
  private final PrintStream err;
  private final SmtpClientDialogue smtp;
  private final TlsContext startTlsContext;
  private final LineBuffer lines = new LineBuffer(1000);
  private final CompletableFuture<TlsSession> secured = new CompletableFuture<>();
  private final Semaphore writable = new Semaphore(0);
  private volatile long lastData = System.nanoTime();
  private volatile CloseReason reason;
  private volatile Throwable cause;

  /**
   * @param startTlsContext for {@code --starttls smtp}: the context to upgrade with; null otherwise
   */
  public ClientHandler(PrintStream out, PrintStream err, TlsContext startTlsContext) {
    this.out = out;
    this.err = err;
    this.startTlsContext = startTlsContext;
    this.smtp = startTlsContext == null ? null : new SmtpClientDialogue("niotls");
  }

  @Override
  public void onOpen(TlsSession session) {
    if (smtp == null) {
      secured.complete(session);
    }
  }

  @Override
  public void onData(TlsSession session, ByteBuffer data) {
    lastData = System.nanoTime();
    if (smtp != null && !smtp.done()) {
      dialogue(session, data);
      return;
    }
    if (data.hasArray()) {
      out.write(data.array(), data.arrayOffset() + data.position(), data.remaining());
    } else {
      byte[] copy = new byte[data.remaining()];
      data.duplicate().get(copy);
      out.write(copy, 0, copy.length);
    }
    out.flush();
    data.position(data.limit());
  }

  private void dialogue(TlsSession session, ByteBuffer data) {
    String line;
    while ((line = lines.next(data)) != null) {
      err.println("S: " + line);
      Step step = smtp.onLine(line);
      switch (step.action()) {
        case SEND -> {
          err.print("C: " + step.text());
          session.write(ByteBuffer.wrap(step.text().getBytes(StandardCharsets.ISO_8859_1)));
        }
        case START_TLS -> {
          // whatever follows the 220 in this read stays unconsumed: the loop refuses it
          session
              .startTls(startTlsContext)
              .whenComplete(
                  (s, failure) -> {
                    if (failure == null) {
                      secured.complete(s);
                    } else {
                      secured.completeExceptionally(failure);
                    }
                  });
          return;
        }
        case FAIL -> {
          secured.completeExceptionally(new IllegalStateException(step.text()));
          session.close();
          data.position(data.limit());
          return;
        }
        default -> {}
      }
    }
  }

  @Override
  public void onWritable(TlsSession session) {
    writable.release();
  }

  @Override
  public void onClosed(TlsSession session, CloseReason why, Throwable failure) {
    reason = why;
    cause = failure;
    writable.release();
    secured.completeExceptionally(
        failure != null
            ? failure
            : new IllegalStateException("the connection closed (" + why + ")"));
  }

  /** Completes when the session carries TLS (after STARTTLS for SMTP), or fails. */
  public CompletableFuture<TlsSession> secured() {
    return secured;
  }

  /** Released when a full outbound queue drained, or the session closed. */
  public Semaphore writable() {
    return writable;
  }

  /** nanoTime of the last data received (or of this handler's making). */
  public long lastData() {
    return lastData;
  }

  /** Why the session closed; null while open. */
  public CloseReason reason() {
    return reason;
  }

  /** The failure that closed it, or null. */
  public Throwable cause() {
    return cause;
  }
}
