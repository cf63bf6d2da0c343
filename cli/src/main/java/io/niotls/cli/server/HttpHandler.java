package io.niotls.cli.server;

import io.niotls.cli.http.HttpPage;
import io.niotls.cli.http.HttpParseException;
import io.niotls.cli.http.HttpRequest;
import io.niotls.cli.http.HttpRequestParser;
import io.niotls.loop.SessionHandler;
import io.niotls.loop.TlsSession;
import java.nio.ByteBuffer;

/**
 * Answers every HTTP/1.1 request with {@link HttpPage}: the TLS session as the server saw it. Keeps
 * the connection for the next request unless the client asked to close; a malformed request gets
 * its error status and the connection closes. Confined to the session's loop thread.
 */
public final class HttpHandler implements SessionHandler {
  private final HttpRequestParser parser = new HttpRequestParser();
  private boolean closing;

  @Override
  public void onData(TlsSession session, ByteBuffer data) {
    try {
      HttpRequest request;
      while (!closing && (request = parser.next(data)) != null) {
        boolean taken = session.write(ByteBuffer.wrap(HttpPage.response(request, session.info())));
        if (!taken || !request.keepAlive()) {
          // not taken: a client pipelining faster than it reads; it loses its connection
          close(session);
        }
      }
    } catch (HttpParseException e) {
      session.write(ByteBuffer.wrap(HttpPage.error(e.status(), e.getMessage())));
      close(session);
    }
    data.position(data.limit()); // after close: nothing more is read
  }

  private void close(TlsSession session) {
    closing = true;
    session.close();
  }
}
