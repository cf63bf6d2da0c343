package io.niotls.cli.server;

import io.niotls.cli.smtp.LineBuffer;
import io.niotls.cli.starttls.ServerDialogue;
import io.niotls.cli.starttls.ServerDialogue.Reply;
import io.niotls.context.TlsContext;
import java.nio.ByteBuffer;

/**
 * Runs a line-based {@link ServerDialogue} (IMAP, POP3, FTP) on a plaintext session and upgrades
 * the session to TLS when the dialogue says so; {@link UpgradingHandler} does the sending, the
 * upgrade and the backpressure. {@link SmtpHandler} does the same for SMTP, whose message data is
 * not lines.
 */
public final class StartTlsHandler extends UpgradingHandler {
  private final ServerDialogue dialogue;
  private final LineBuffer lines;

  /**
   * @param tls the server context the session upgrades with
   * @param dialogue a fresh dialogue for this connection
   */
  public StartTlsHandler(TlsContext tls, ServerDialogue dialogue) {
    super(tls);
    this.dialogue = dialogue;
    this.lines = new LineBuffer(dialogue.maxLine());
  }

  @Override
  String greeting() {
    return dialogue.greeting();
  }

  @Override
  Step next(ByteBuffer data) {
    Reply reply;
    try {
      String line = lines.next(data);
      if (line == null) {
        return null;
      }
      reply = dialogue.onLine(line);
    } catch (IllegalStateException tooLong) {
      reply = dialogue.lineTooLong(); // the line buffer skips the rest of that line
    }
    return new Step(reply.text(), Then.valueOf(reply.action().name()));
  }

  @Override
  boolean upgrading() {
    return dialogue.upgrading();
  }

  @Override
  void tlsStarted() {
    dialogue.tlsStarted();
  }
}
