package io.niotls.loop;

import io.niotls.transport.ForwardingTransport;
import io.niotls.transport.Transport;
import io.niotls.wire.TlsRecords;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The transport of a STARTTLS handshake: refuses the connection when the first byte the peer sends
 * after the upgrade does not start a TLS record (handshake, or an alert).
 *
 * <p>That byte is plaintext the peer sent after the STARTTLS exchange: taking it as TLS input is
 * the command injection of CVE-2011-0411 ({@link Failures#injection}). Not thread-safe.
 */
final class FirstRecordGuard extends ForwardingTransport {

  private boolean checked;
  private IOException refusal;

  FirstRecordGuard(Transport inner) {
    super(inner);
  }

  /** The refusal, once plaintext was found; null otherwise. */
  IOException refusal() {
    return refusal;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    int start = dst.position();
    int n = super.read(dst);
    if (!checked && n > 0) {
      checked = true;
      byte type = dst.get(start);
      if (type != TlsRecords.HANDSHAKE && type != TlsRecords.ALERT) {
        refusal = Failures.injection(n, "arrived after STARTTLS, before the first TLS record");
        throw refusal;
      }
    }
    return n;
  }

  /**
   * None, unlike the base class: the first byte must pass through {@link #read} to be checked, and
   * bytes lent in place would reach the engine unseen.
   */
  @Override
  public ByteBuffer inboundInPlace() {
    return null;
  }

  /**
   * None, unlike the base class: this guard has never lent the decorated transport's outbound
   * buffer (the loop's socket transport has none to lend today); forwarding would change the
   * STARTTLS handshake's data path, which is not this guard's business.
   */
  @Override
  public ByteBuffer outboundInPlace(int size, boolean direct) {
    return null;
  }
}
