package io.niotls.cli.server;

import io.niotls.context.TlsContext;
import io.niotls.loop.SessionHandler;
import io.niotls.loop.TlsSession;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The plaintext side every STARTTLS demo server shares (SMTP, IMAP, POP3, FTP): replies sent in
 * order, the upgrade when the dialogue asks for it, and backpressure. What a protocol says is its
 * subclass's {@link #next}.
 *
 * <p>Input is taken from the read one step at a time, so whatever the client sent after the
 * STARTTLS command in the same packet stays unconsumed and the loop refuses it as injected
 * plaintext (CVE-2011-0411).
 *
 * <p>Backpressure: a client that pipelines commands without reading the replies fills the session's
 * outbound queue. Then the reply that did not fit and the rest of the read are kept, reading stops,
 * and both are taken up again when the queue drains, so memory stays bounded.
 *
 * <p>Confined to the session's loop thread.
 */
abstract class UpgradingHandler implements SessionHandler {
  /** What follows a reply. */
  enum Then {
    CONTINUE,
    START_TLS,
    CLOSE
  }

  /** A reply's text (CRLF-terminated lines) and what follows it. */
  record Step(String text, Then then) {}

  private final TlsContext tls;
  private ByteBuffer unsent; // a reply the full outbound queue did not take
  private ByteBuffer held; // input read after it, waiting until it is sent

  /**
   * @param tls the server context the session upgrades with
   */
  UpgradingHandler(TlsContext tls) {
    this.tls = tls;
  }

  /** The greeting sent on connect. */
  abstract String greeting();

  /**
   * The reply to the next whole unit of input in {@code data} (a command line, or message data),
   * consuming it; null when {@code data} holds only part of one.
   */
  abstract Step next(ByteBuffer data);

  /** Whether the dialogue waits for TLS to start (STARTTLS answered, handshake not yet done). */
  abstract boolean upgrading();

  /** TLS has started: the dialogue goes on in it. */
  abstract void tlsStarted();

  @Override
  public void onOpen(TlsSession session) {
    send(session, greeting());
  }

  @Override
  public void onData(TlsSession session, ByteBuffer data) {
    if (upgrading() && session.info() != null) {
      tlsStarted(); // the handshake finished before its future's callback ran
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
   * Answers what {@code data} holds until it runs out, a reply does not fit, TLS starts or the
   * dialogue ends.
   *
   * @param copy whether {@code data} is our copy rather than the loop's read buffer: then nothing
   *     left in it after STARTTLS can reach the loop's check, and the session is closed instead
   */
  private void serve(TlsSession session, ByteBuffer data, boolean copy) {
    while (data.hasRemaining() && unsent == null) {
      Step step = next(data);
      if (step == null) {
        return; // part of a line or of a message: wait for the rest
      }
      send(session, step.text());
      switch (step.then()) {
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
    if (upgrading()) {
      tlsStarted();
    }
  }

  private void send(TlsSession session, String text) {
    ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
    if (!session.write(bytes) && session.isOpen()) {
      unsent = bytes;
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
}
