package io.niotls.loop;

import io.niotls.context.TlsContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A line protocol handler (SMTP-like) that consumes its input one line at a time and stops
 * consuming the moment it asks for STARTTLS, so whatever follows the command in the same read is
 * left to the session, which refuses it.
 */
abstract class LineHandler extends Recorder {
  final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final StringBuilder partial = new StringBuilder();
  private boolean upgrading;

  /** One line, without its CR LF. */
  abstract void onLine(TlsSession session, String line);

  @Override
  public void onData(TlsSession session, ByteBuffer data) {
    while (data.hasRemaining() && !upgrading) {
      char c = (char) data.get();
      if (c == '\n') {
        String line = partial.toString().strip();
        partial.setLength(0);
        lines.add(line);
        onLine(session, line);
      } else {
        partial.append(c);
      }
    }
  }

  CompletableFuture<TlsSession> upgrade(TlsSession session, TlsContext context) {
    upgrading = true;
    return session.startTls(context).whenComplete((s, failure) -> upgrading = false);
  }

  static void send(TlsSession session, String line) {
    session.write(ByteBuffer.wrap((line + "\r\n").getBytes(StandardCharsets.US_ASCII)));
  }
}
