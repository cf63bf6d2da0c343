package io.niotls.loop;

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
final class FirstRecordGuard implements Transport {

  private final Transport inner;
  private boolean checked;
  private IOException refusal;

  FirstRecordGuard(Transport inner) {
    this.inner = inner;
  }

  /** The refusal, once plaintext was found; null otherwise. */
  IOException refusal() {
    return refusal;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    int start = dst.position();
    int n = inner.read(dst);
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

  @Override
  public int write(ByteBuffer src) throws IOException {
    return inner.write(src);
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
