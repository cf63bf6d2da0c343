package io.niotls.cli.server;

import io.niotls.loop.SessionHandler;
import io.niotls.loop.TlsSession;
import java.nio.ByteBuffer;

/**
 * Sends every byte back. When the session's outbound queue is full it keeps the bytes it could not
 * send and stops reading until the queue drains, so a client that sends faster than it reads is
 * slowed down by TCP rather than buffered without bound. Confined to the session's loop thread.
 */
public final class EchoHandler implements SessionHandler {
  private ByteBuffer pending;

  @Override
  public void onData(TlsSession session, ByteBuffer data) {
    if (pending != null || !session.write(data)) {
      keep(data);
      session.setAutoRead(false);
    }
  }

  @Override
  public void onWritable(TlsSession session) {
    if (pending != null && session.write(pending)) {
      pending = null;
      session.setAutoRead(true);
    }
  }

  private void keep(ByteBuffer data) {
    if (pending == null) {
      pending = ByteBuffer.allocate(data.remaining());
    } else {
      ByteBuffer bigger = ByteBuffer.allocate(pending.remaining() + data.remaining());
      bigger.put(pending);
      pending = bigger;
    }
    pending.put(data).flip();
  }
}
