package io.niotls.transport;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A transport that passes every call, the zero-copy hooks included, to the transport it decorates:
 * the base of decorators that watch or refuse bytes on their way, which override only what they
 * look at.
 *
 * <p>A decorator that must see every inbound byte overrides {@link #inboundInPlace()} to return
 * null: bytes lent in place are decrypted where they are and never pass through {@link #read}.
 * Likewise {@link #outboundInPlace} sends ciphertext without {@link #write}.
 *
 * <p>Not thread-safe, like every transport: confined to whoever drives the engine.
 */
public abstract class ForwardingTransport implements Transport {
  private final Transport inner;

  protected ForwardingTransport(Transport inner) {
    this.inner = inner;
  }

  /** The decorated transport. */
  protected final Transport inner() {
    return inner;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return inner.read(dst);
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    return inner.write(src);
  }

  @Override
  public ByteBuffer inboundInPlace() {
    return inner.inboundInPlace();
  }

  @Override
  public ByteBuffer outboundInPlace(int size, boolean direct) {
    return inner.outboundInPlace(size, direct);
  }

  @Override
  public void commitOutbound(ByteBuffer lent) {
    inner.commitOutbound(lent);
  }

  @Override
  public void shutdownOutput() throws IOException {
    inner.shutdownOutput();
  }

  @Override
  public boolean isOpen() {
    return inner.isOpen();
  }

  @Override
  public void close() throws IOException {
    inner.close();
  }
}
