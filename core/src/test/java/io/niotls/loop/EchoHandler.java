package io.niotls.loop;

import java.nio.ByteBuffer;

/**
 * Sends back what it receives, without losing a byte under backpressure: when the outbound queue is
 * full it keeps the rest, stops reading, and goes on when the session is writable again. Public for
 * the channel tests, which echo through a loop server too.
 */
public class EchoHandler extends Recorder {
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
