package io.niotls.loop;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * A handler that remembers what happened: whether it opened, the bytes it received, and how it
 * closed. Thread-safe to read from the test thread.
 */
class Recorder implements SessionHandler {
  final CompletableFuture<TlsSession> opened = new CompletableFuture<>();
  final CompletableFuture<Closed> closed = new CompletableFuture<>();
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();

  record Closed(CloseReason reason, Throwable cause) {}

  @Override
  public void onOpen(TlsSession session) {
    opened.complete(session);
  }

  @Override
  public void onData(TlsSession session, ByteBuffer data) {
    byte[] bytes = new byte[data.remaining()];
    data.get(bytes);
    synchronized (received) {
      received.writeBytes(bytes);
    }
  }

  @Override
  public void onClosed(TlsSession session, CloseReason reason, Throwable cause) {
    closed.complete(new Closed(reason, cause));
  }

  byte[] received() {
    synchronized (received) {
      return received.toByteArray();
    }
  }
}
