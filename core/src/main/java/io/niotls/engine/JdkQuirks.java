package io.niotls.engine;

import io.niotls.wire.TlsRecords;
import java.nio.ByteBuffer;

/** SunJSSE's {@link EngineQuirks}. Stateless. */
final class JdkQuirks implements EngineQuirks {
  static final JdkQuirks INSTANCE = new JdkQuirks();

  private JdkQuirks() {}

  /** Neither side: SunJSSE would go along with a renegotiation, so niotls refuses it. */
  @Override
  public boolean refusesRenegotiation(boolean client) {
    return false;
  }

  /**
   * Yes: SunJSSE sends no alert for a ClientHello it could not parse (it has no handshake under way
   * yet), and often names none.
   */
  @Override
  public boolean mayFailWithoutAlert() {
    return true;
  }

  /**
   * A record header announcing more than SunJSSE's packet buffer holds, which it refuses from the
   * header alone, with {@code unexpected_message} whatever {@code alert} was meant.
   */
  @Override
  public ByteBuffer provocation(String alert) {
    return ByteBuffer.wrap(
        new byte[] {TlsRecords.APPLICATION_DATA, 3, 3, (byte) 0xff, (byte) 0xff});
  }

  /** Yes: SunJSSE checks the destination's room only once the handshake is done. */
  @Override
  public boolean unwrapsHandshakeWithoutRoom() {
    return true;
  }

  /**
   * A TLS 1.3 record's worth less 17 bytes: SunJSSE pads every TLS 1.3 record with 16 bytes (seen
   * on JDK 17 and 25) and seals no more than the padded limit allows, so 16 KiB of data would take
   * a full record and a tiny one.
   */
  @Override
  public int plaintextPerRecord(String protocol) {
    return "TLSv1.3".equals(protocol)
        ? TlsRecords.MAX_PLAINTEXT_BODY - 17
        : TlsRecords.MAX_PLAINTEXT_BODY;
  }
}
