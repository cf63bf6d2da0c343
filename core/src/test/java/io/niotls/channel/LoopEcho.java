package io.niotls.channel;

import io.niotls.loop.SessionHandler;
import io.niotls.loop.TlsSession;
import java.nio.ByteBuffer;

/**
 * A loop handler that sends back what it receives and keeps every byte under backpressure: when the
 * session's queue is full it holds the rest and stops reading until the queue drains.
 */
final class LoopEcho implements SessionHandler {
  private ByteBuffer held;

  @Override
  public void onData(TlsSession session, ByteBuffer data) {
    if (!session.write(data)) {
      held = ByteBuffer.allocate(data.remaining()).put(data).flip();
      session.setAutoRead(false);
    }
  }

  @Override
  public void onWritable(TlsSession session) {
    if (held != null && session.write(held)) {
      held = null;
      session.setAutoRead(true);
    }
  }
}
