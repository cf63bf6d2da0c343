package io.niotls.loop;

import java.nio.ByteBuffer;

/**
 * A server handler whose peer picks what it does with its first byte: {@code 'S'} streams bytes to
 * the peer for as long as the session lasts (bounded at 256 MiB), {@code 'U'} takes an upload
 * (recorded), anything else is echoed. One server serves faulty peers and healthy bystanders.
 */
class ModeHandler extends Recorder {
  private static final byte[] CHUNK = new byte[16 * 1024];
  private static final long MAX_STREAM = 256L << 20;

  private final EchoHandler echo = new EchoHandler();
  private char mode;
  private long streamed;

  @Override
  public void onData(TlsSession session, ByteBuffer data) {
    if (mode == 0) {
      mode = (char) data.get(data.position());
      if (mode == 'S') {
        stream(session);
      }
    }
    if (mode == 'S' || mode == 'U') {
      super.onData(session, data);
    } else {
      echo.onData(session, data);
    }
  }

  @Override
  public void onWritable(TlsSession session) {
    if (mode == 'S') {
      stream(session);
    } else {
      echo.onWritable(session);
    }
  }

  private void stream(TlsSession session) {
    while (streamed < MAX_STREAM && session.write(ByteBuffer.wrap(CHUNK))) {
      streamed += CHUNK.length;
    }
  }
}
