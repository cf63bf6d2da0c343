package io.niotls.cli.server;

import io.niotls.cli.smtp.LineBuffer;
import io.niotls.cli.smtp.SmtpServerDialogue;
import io.niotls.cli.smtp.SmtpServerDialogue.Phase;
import io.niotls.cli.smtp.SmtpServerDialogue.Reply;
import io.niotls.context.TlsContext;
import io.niotls.loop.TlsHandler;
import io.niotls.loop.TlsSession;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Runs {@link SmtpServerDialogue} on a plaintext session and upgrades it to TLS on STARTTLS. Lines
 * are taken from the read one at a time, so whatever the client sent after {@code STARTTLS\r\n} in
 * the same packet stays unconsumed and the loop refuses it as injected plaintext (CVE-2011-0411).
 * Confined to the session's loop thread.
 */
public final class SmtpHandler implements TlsHandler {
  private final TlsContext tls;
  private final SmtpServerDialogue smtp;
  private final LineBuffer lines = new LineBuffer(SmtpServerDialogue.MAX_LINE);

  /**
   * @param tls the server context the session upgrades with
   * @param hostname the name the server gives for itself
   */
  public SmtpHandler(TlsContext tls, String hostname) {
    this.tls = tls;
    this.smtp = new SmtpServerDialogue(hostname);
  }

  @Override
  public void onOpen(TlsSession session) {
    send(session, smtp.greeting());
  }

  @Override
  public void onData(TlsSession session, ByteBuffer data) {
    if (smtp.phase() == Phase.UPGRADING && session.info() != null) {
      smtp.tlsStarted(); // the handshake finished before its future's callback ran
    }
    while (data.hasRemaining()) {
      Reply reply = next(data);
      if (reply == null) {
        return; // part of a line: wait for the rest
      }
      send(session, reply.text());
      switch (reply.action()) {
        case START_TLS -> {
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
  }

  /** The reply to the next whole line in {@code data}, or null when none is complete yet. */
  private Reply next(ByteBuffer data) {
    String line;
    try {
      line = lines.next(data);
    } catch (IllegalStateException tooLong) {
      return smtp.lineTooLong();
    }
    return line == null ? null : smtp.onLine(line);
  }

  private void secured() {
    if (smtp.phase() == Phase.UPGRADING) {
      smtp.tlsStarted();
    }
  }

  private static void send(TlsSession session, String text) {
    session.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)));
  }
}
