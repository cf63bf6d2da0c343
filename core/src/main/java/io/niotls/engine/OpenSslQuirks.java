package io.niotls.engine;

import io.niotls.wire.TlsRecords;
import java.nio.ByteBuffer;

/** BoringSSL's {@link EngineQuirks}, through Netty's {@code ReferenceCountedOpenSslEngine}. */
final class OpenSslQuirks implements EngineQuirks {
  static final OpenSslQuirks INSTANCE = new OpenSslQuirks();

  /** BoringSSL's limit: a body longer than this is refused with record_overflow. */
  private static final int BORINGSSL_MAX_BODY = TlsRecords.MAX_TLS12_BODY;

  private OpenSslQuirks() {}

  /**
   * A server refuses a renegotiating ClientHello itself, with the fatal {@code no_renegotiation}; a
   * client would go along, so niotls refuses it there.
   */
  @Override
  public boolean refusesRenegotiation(boolean client) {
    return !client;
  }

  /** No: BoringSSL has written its alert for every handshake failure by the time it reports it. */
  /** Yes: BoringSSL ignores every message but the peer's close_notify once ours is out. */
  @Override
  public boolean dropsTicketsAfterCloseNotify() {
    return true;
  }

  @Override
  public boolean mayFailWithoutAlert() {
    return false;
  }

  /**
   * Yes: once the handshake is finished, Netty's engine answers NOT_HANDSHAKING unless it is closed
   * either way (and NEED_TASK only during the handshake); an unwrap that reads the peer's
   * close_notify closes both ways and says CLOSED, and one that finds a failure or a KeyUpdate says
   * NEED_WRAP.
   */
  @Override
  public boolean handshakeStatusFollowsUnwraps() {
    return true;
  }

  /**
   * A record BoringSSL refuses with {@code record_overflow} (a body over its limit) when that is
   * the alert meant, else with {@code protocol_version} (a wrong record version), its nearest
   * refusal to an {@code unexpected_message}. The whole body is there: Netty's engine hands
   * BoringSSL a record only once it is.
   */
  @Override
  public ByteBuffer provocation(String alert) {
    boolean overflow = "record_overflow".equals(alert);
    int body = overflow ? BORINGSSL_MAX_BODY + 1 : 32;
    ByteBuffer forged = ByteBuffer.allocate(TlsRecords.HEADER_LENGTH + body);
    forged.put((byte) TlsRecords.APPLICATION_DATA).put((byte) 3).put((byte) (overflow ? 3 : 1));
    forged.putShort((short) body);
    return forged.clear();
  }
}
