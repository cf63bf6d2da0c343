package io.niotls.cli.client;

import io.niotls.cli.smtp.LineBuffer;
import io.niotls.cli.starttls.ClientDialogue;
import io.niotls.cli.starttls.ClientDialogue.Step;
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
 * The client command's side of one session: received bytes to {@code out}, the plaintext dialogue
 * up to STARTTLS when asked (SMTP, IMAP, POP3, FTP; its lines echoed to {@code err}), and the
 * events the stdin pump waits for. Callbacks run on the session's loop thread; the accessors may be
 * read from any thread.
 *
 * <p>On a plaintext session it watches the first bytes back: when they start a TLS record (the
 * server speaks TLS and answered our plaintext with an alert), they are not printed, the session is
 * closed, and {@link #tlsAnswer()} says what came.
 */
public final class ClientHandler implements SessionHandler {
  private final PrintStream out;
  private final PrintStream err;
  private final ClientDialogue dialogue;
  private final TlsContext startTlsContext;
  // IMAP capability lines can be long; RFC 7162 3.2.1 sets 8192 octets for command lines
  private final LineBuffer lines = new LineBuffer(8192);
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
   * @param dialogue for {@code --starttls}: the plaintext protocol spoken up to TLS; null otherwise
   * @param startTlsContext with {@code dialogue}: the context to upgrade with; null otherwise
   * @param plaintext whether the session speaks plaintext throughout: then a TLS answer is watched
   *     for
   */
  public ClientHandler(
      PrintStream out,
      PrintStream err,
      ClientDialogue dialogue,
      TlsContext startTlsContext,
      boolean plaintext) {
    this.out = out;
    this.err = err;
    this.dialogue = dialogue;
    this.startTlsContext = startTlsContext;
    this.watching = plaintext && dialogue == null;
  }

  @Override
  public void onOpen(TlsSession session) {
    if (dialogue == null) {
      secured.complete(session);
    }
  }

  @Override
  public void onData(TlsSession session, ByteBuffer data) {
    lastData = System.nanoTime();
    received = true;
    if (dialogue != null && !dialogue.done()) {
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
      Step step = dialogue.onLine(line);
      switch (step.action()) {
        case SEND -> send(session, step.text());
        case START_TLS -> {
          // whatever follows the go-ahead in this read stays unconsumed: the loop refuses it
          session
              .startTls(startTlsContext)
              .whenComplete(
                  (s, failure) -> {
                    if (failure != null) {
                      secured.completeExceptionally(failure);
                      return;
                    }
                    String again = dialogue.afterTls();
                    if (again != null) {
                      send(s, again); // before the summary: the server's answer comes as data
                    }
                    secured.complete(s);
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

  /** Sends one line of the dialogue and shows it on stderr. */
  private void send(TlsSession session, String text) {
    err.println("C: " + text.strip());
    err.flush();
    session.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)));
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

  /** Completes when the session carries TLS (after the dialogue's STARTTLS), or fails. */
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
