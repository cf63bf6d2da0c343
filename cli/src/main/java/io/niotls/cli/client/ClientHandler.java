package io.niotls.cli.client;

import io.niotls.cli.smtp.LineBuffer;
import io.niotls.cli.smtp.SmtpClientDialogue;
import io.niotls.cli.smtp.SmtpClientDialogue.Step;
import io.niotls.context.TlsContext;
import io.niotls.loop.CloseReason;
import io.niotls.loop.SessionHandler;
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
 *
 * <p>On a plaintext session it watches the first bytes back: when they start a TLS record (the
 * server speaks TLS and answered our plaintext with an alert), they are not printed, the session is
 * closed, and {@link #tlsAnswer()} says what came.
 */
public final class ClientHandler implements SessionHandler {
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
  private volatile boolean received;
  private volatile String tlsAnswer;

  // the first bytes of a plaintext session, held until they tell whether TLS answered
  private final byte[] head = new byte[TlsRecordStart.LENGTH];
  private int headLength;
  private boolean watching;

  /**
   * @param startTlsContext for {@code --starttls smtp}: the context to upgrade with; null otherwise
   * @param plaintext whether the session speaks plaintext throughout: then a TLS answer is watched
   *     for
   */
  public ClientHandler(
      PrintStream out, PrintStream err, TlsContext startTlsContext, boolean plaintext) {
    this.out = out;
    this.err = err;
    this.startTlsContext = startTlsContext;
    this.smtp = startTlsContext == null ? null : new SmtpClientDialogue("niotls");
    this.watching = plaintext && startTlsContext == null;
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
    received = true;
    if (smtp != null && !smtp.done()) {
      dialogue(session, data);
      return;
    }
    if (watching && !watchFirstBytes(session, data)) {
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

  /**
   * Takes the first bytes into {@link #head} until they tell; returns whether {@code data} is to be
   * printed (the held bytes were printed already).
   */
  private boolean watchFirstBytes(TlsSession session, ByteBuffer data) {
    while (headLength < head.length && data.hasRemaining()) {
      head[headLength++] = data.get();
    }
    switch (TlsRecordStart.of(head, headLength)) {
      case UNDECIDED -> {
        return false;
      }
      case TLS -> {
        watching = false;
        tlsAnswer = TlsRecordStart.kind(head[0]);
        data.position(data.limit()); // a TLS record is no use on a terminal
        session.close();
        return false;
      }
      default -> {
        watching = false;
        out.write(head, 0, headLength);
        return true;
      }
    }
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
    if (watching && headLength > 0) { // fewer bytes than it takes to tell: they were data
      out.write(head, 0, headLength);
      out.flush();
    }
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

  /** Whether any byte came from the server. */
  public boolean received() {
    return received;
  }

  /**
   * On a plaintext session, what the server's first bytes were when they started a TLS record
   * ({@code "an alert"}, {@code "a handshake message"}); null when they did not (or none came).
   */
  public String tlsAnswer() {
    return tlsAnswer;
  }

  /** The failure that closed it, or null. */
  public Throwable cause() {
    return cause;
  }
}
