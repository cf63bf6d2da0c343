package io.niotls.engine;

import io.niotls.transport.ForwardingTransport;
import io.niotls.transport.Transport;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The transport a {@link HelloPeek} hands its engine: the bytes it read ahead first, then the
 * decorated transport's; or, for a name a strict mapping refuses, a refusal at the first read,
 * which the engine answers with the refusal's fatal alert. Not thread-safe, like every transport.
 */
final class PeekedTransport extends ForwardingTransport {
  private ByteBuffer peeked; // read mode; null once the engine has read all of it
  private final TlsException refusal;

  PeekedTransport(Transport inner, ByteBuffer peeked, TlsException refusal) {
    super(inner);
    this.peeked = peeked.hasRemaining() ? peeked : null;
    this.refusal = refusal;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    if (refusal != null) {
      throw refusal;
    }
    if (peeked == null) {
      return super.read(dst);
    }
    int n = Math.min(dst.remaining(), peeked.remaining());
    dst.put(dst.position(), peeked, peeked.position(), n).position(dst.position() + n);
    peeked.position(peeked.position() + n);
    if (!peeked.hasRemaining()) {
      peeked = null;
    }
    return n;
  }

  /**
   * None while bytes read ahead wait (they come first, through {@link #read}); the decorated
   * transport's after.
   */
  @Override
  public ByteBuffer inboundInPlace() {
    return peeked == null && refusal == null ? super.inboundInPlace() : null;
  }
}
