package io.niotls.loop;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * A client handler that sends a payload once open, expects it back byte for byte, then closes.
 * {@link #result} completes when the session has closed: normally after the echo matched, or
 * exceptionally with what went wrong.
 */
class Exchange implements SessionHandler {
  final CompletableFuture<TlsSession> result = new CompletableFuture<>();
  private final byte[] payload;
  private final byte[] echoed;
  private int received;
  private TlsSession session;

  Exchange(byte[] payload) {
    this.payload = payload;
    this.echoed = new byte[payload.length];
  }

  @Override
  public void onOpen(TlsSession session) {
    this.session = session;
    if (!session.write(ByteBuffer.wrap(payload))) {
      result.completeExceptionally(new AssertionError("an empty queue refused a write"));
    }
  }

  @Override
  public void onData(TlsSession session, ByteBuffer data) {
    int n = data.remaining();
    if (received + n > echoed.length) {
      result.completeExceptionally(new AssertionError("more bytes came back than were sent"));
      session.close();
      return;
    }
    data.get(echoed, received, n);
    received += n;
    if (received == echoed.length) {
      session.close();
    }
  }

  @Override
  public void onClosed(TlsSession s, CloseReason reason, Throwable cause) {
    if (received == payload.length && Arrays.equals(payload, echoed)) {
      if (reason == CloseReason.LOCAL) {
        result.complete(session);
      } else {
        result.completeExceptionally(new AssertionError("closed by " + reason, cause));
      }
    } else {
      result.completeExceptionally(
          new AssertionError(
              "closed by "
                  + reason
                  + " after "
                  + received
                  + " of "
                  + payload.length
                  + " bytes"
                  + (received == payload.length ? " (which differ)" : ""),
              cause));
    }
  }
}
