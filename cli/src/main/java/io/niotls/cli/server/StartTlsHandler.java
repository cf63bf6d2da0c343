package io.niotls.cli.server;

import io.niotls.cli.smtp.LineBuffer;
import io.niotls.cli.starttls.ServerDialogue;
import io.niotls.cli.starttls.ServerDialogue.Reply;
import io.niotls.context.TlsContext;
import io.niotls.loop.SessionHandler;
import io.niotls.loop.TlsSession;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Runs a line-based {@link ServerDialogue} (IMAP, POP3, FTP) on a plaintext session and upgrades
 * the session to TLS when the dialogue says so. {@link SmtpHandler} does the same for SMTP, whose
 * message data is not lines.
 *
 * <p>Lines are taken from the read one at a time, so whatever the client sent after the STARTTLS
 * command in the same packet stays unconsumed and the loop refuses it as injected plaintext
 * (CVE-2011-0411).
 *
 * <p>Backpressure: a client that pipelines commands without reading the replies fills the session's
 * outbound queue. Then the reply that did not fit and the rest of the read are kept, reading stops,
 * and both are taken up again when the queue drains, so memory stays bounded.
 *
 * <p>Confined to the session's loop thread.
 */
public final class StartTlsHandler implements SessionHandler {
  private final TlsContext tls;
  private final ServerDialogue dialogue;
  private final LineBuffer lines;
  private ByteBuffer unsent; // a reply the full outbound queue did not take
  private ByteBuffer held; // input read after it, waiting until it is sent

  /**
   * @param tls the server context the session upgrades with
   * @param dialogue a fresh dialogue for this connection
   */
  public StartTlsHandler(TlsContext tls, ServerDialogue dialogue) {
    this.tls = tls;
    this.dialogue = dialogue;
    this.lines = new LineBuffer(dialogue.maxLine());
  }

  @Override
  public void onOpen(TlsSession session) {
    send(session, dialogue.greeting());
  }

  @Override
  public void onData(TlsSession session, ByteBuffer data) {
    if (dialogue.upgrading() && session.info() != null) {
      dialogue.tlsStarted(); // the handshake finished before its future's callback ran
    }
    if (held != null) {
      held = append(held, data); // read before the pause took effect
      return;
    }
    serve(session, data, false);
  }

  @Override
  public void onWritable(TlsSession session) {
    if (unsent == null || !session.write(unsent)) {
      return;
    }
    unsent = null;
    if (held != null) {
      ByteBuffer input = held;
      held = null;
      serve(session, input, true);
    }
    if (unsent == null && held == null) {
      session.setAutoRead(true);
    }
  }

  /**
   * Answers the lines {@code data} holds until it runs out, a reply does not fit, TLS starts or the
   * dialogue ends.
   *
   * @param copy whether {@code data} is our copy rather than the loop's read buffer: then nothing
   *     left in it after STARTTLS can reach the loop's check, and the session is closed instead
   */
  private void serve(TlsSession session, ByteBuffer data, boolean copy) {
    while (data.hasRemaining() && unsent == null) {
      String line;
      Reply reply;
      try {
        line = lines.next(data);
        if (line == null) {
          return; // part of a line: wait for the rest
        }
      } catch (IllegalStateException tooLong) {
        line = null; // the line buffer skips the rest of that line
      }
      reply = line == null ? dialogue.lineTooLong() : dialogue.onLine(line);
      send(session, reply.text());
      switch (reply.action()) {
        case START_TLS -> {
          if ((copy && data.hasRemaining()) || unsent != null) {
            // plaintext behind STARTTLS, or a client that reads no replies: refuse, as the loop
            // does
            session.close();
            return;
          }
          // the rest of this read stays unconsumed: the loop refuses it as injected plaintext
          session.startTls(tls).thenRun(this::secured);
          return;
        }
        case CLOSE -> {
          session.close();
          data.position(data.limit());
          return;
        }
        default -> {}
      }
    }
    if (unsent != null && data.hasRemaining()) {
      held = append(null, data);
      session.setAutoRead(false);
    }
  }

  private void secured() {
    if (dialogue.upgrading()) {
      dialogue.tlsStarted();
    }
  }

  /** {@code kept} (may be null) followed by what {@code data} has left, in a new buffer. */
  private static ByteBuffer append(ByteBuffer kept, ByteBuffer data) {
    int before = kept == null ? 0 : kept.remaining();
    ByteBuffer joined = ByteBuffer.allocate(before + data.remaining());
    if (kept != null) {
      joined.put(kept);
    }
    return joined.put(data).flip();
  }

  private void send(TlsSession session, String text) {
    ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
    if (!session.write(bytes) && session.isOpen()) {
      unsent = bytes;
    }
  }
}
