package io.niotls.cli.server;

import io.niotls.cli.smtp.LineBuffer;
import io.niotls.cli.smtp.SmtpServerDialogue;
import io.niotls.cli.smtp.SmtpServerDialogue.Message;
import io.niotls.cli.smtp.SmtpServerDialogue.Phase;
import io.niotls.cli.smtp.SmtpServerDialogue.Reply;
import io.niotls.context.TlsContext;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Runs {@link SmtpServerDialogue} on a plaintext session, upgrades it to TLS on STARTTLS (through
 * {@link UpgradingHandler}, as the other STARTTLS demos do), and hands every message accepted to
 * {@code delivered}.
 */
public final class SmtpHandler extends UpgradingHandler {
  private final SmtpServerDialogue smtp;
  private final Consumer<Message> delivered;
  private final LineBuffer lines = new LineBuffer(SmtpServerDialogue.MAX_LINE);

  /**
   * @param tls the server context the session upgrades with
   * @param hostname the name the server gives for itself
   * @param delivered told of every message accepted, on the loop thread, before its 250 is sent
   */
  public SmtpHandler(TlsContext tls, String hostname, Consumer<Message> delivered) {
    super(tls);
    this.smtp = new SmtpServerDialogue(hostname);
    this.delivered = delivered;
  }

  @Override
  String greeting() {
    return smtp.greeting();
  }

  @Override
  Step next(ByteBuffer data) {
    Reply reply = smtp.phase() == Phase.MESSAGE ? smtp.onMessageData(data) : nextCommand(data);
    if (reply == null) {
      return null;
    }
    if (reply.message() != null) {
      delivered.accept(reply.message());
    }
    return new Step(reply.text(), Then.valueOf(reply.action().name()));
  }

  /** The reply to the next whole command line in {@code data}, or null when none is complete. */
  private Reply nextCommand(ByteBuffer data) {
    String line;
    try {
      line = lines.next(data);
    } catch (IllegalStateException tooLong) {
      return smtp.lineTooLong(); // the line buffer skips the rest of that line
    }
    return line == null ? null : smtp.onLine(line);
  }

  @Override
  boolean upgrading() {
    return smtp.phase() == Phase.UPGRADING;
  }

  @Override
  void tlsStarted() {
    smtp.tlsStarted();
  }
}
