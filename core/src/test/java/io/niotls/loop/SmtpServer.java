package io.niotls.loop;

import io.niotls.context.TlsContext;
import java.util.concurrent.CompletableFuture;

/** The server half of a minimal SMTP dialogue: greeting, EHLO, STARTTLS, QUIT, else 250. */
class SmtpServer extends LineHandler {
  final CompletableFuture<TlsSession> upgraded = new CompletableFuture<>();
  private final TlsContext context;

  SmtpServer(TlsContext context) {
    this.context = context;
  }

  @Override
  public void onOpen(TlsSession session) {
    super.onOpen(session);
    send(session, "220 niotls ESMTP");
  }

  @Override
  void onLine(TlsSession session, String line) {
    if (line.startsWith("EHLO")) {
      send(session, "250-niotls");
      send(session, session.info() == null ? "250 STARTTLS" : "250 SIZE 1000");
    } else if (line.equals("STARTTLS")) {
      send(session, "220 Ready to start TLS");
      upgrade(session, context)
          .whenComplete(
              (s, failure) -> {
                if (failure != null) {
                  upgraded.completeExceptionally(failure);
                } else {
                  upgraded.complete(s);
                }
              });
    } else if (line.equals("QUIT")) {
      send(session, "221 Bye");
      session.close();
    } else {
      send(session, "250 " + line);
    }
  }
}
