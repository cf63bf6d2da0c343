package io.niotls.engine;

import io.niotls.wire.TlsRecords;
import java.nio.ByteBuffer;

/**
 * What the engine refuses before the SSLEngine sees it: record headers that are not TLS or announce
 * more than the protocol allows (refused from the 5-byte header alone), renegotiation after a TLS
 * 1.2 handshake, and floods of records that carry no application data.
 */
final class RecordGuard {
  private final boolean refuseRenegotiation;
  private int maxRecordBody = TlsRecords.MAX_TLS12_BODY;
  private boolean tls12;
  private int recordsWithoutData; // in a row, after the handshake

  /**
   * @param refuseRenegotiation false where the provider refuses renegotiation itself ({@link
   *     EngineQuirks#refusesRenegotiation})
   */
  RecordGuard(boolean refuseRenegotiation) {
    this.refuseRenegotiation = refuseRenegotiation;
  }

  /**
   * The handshake negotiated {@code protocol}: TLS 1.3 allows smaller records, 1.2 no handshake.
   */
  void established(String protocol) {
    tls12 = "TLSv1.2".equals(protocol);
    if ("TLSv1.3".equals(protocol)) {
      maxRecordBody = TlsRecords.MAX_TLS13_BODY;
    }
  }

  /** Checks the header of the record about to be unwrapped (at least 5 bytes are buffered). */
  void checkHeader(ByteBuffer in, boolean established) throws TlsException {
    String problem = RecordHeader.problem(in, maxRecordBody);
    if (problem != null) {
      throw TlsException.refusal(RecordHeader.alert(in, maxRecordBody), problem);
    }
    // RFC 5746 renegotiation is refused whatever the provider's defaults: after a TLS 1.2
    // handshake a handshake record can only be a HelloRequest or a renegotiating ClientHello.
    if (refuseRenegotiation
        && established
        && tls12
        && TlsRecords.contentType(in) == TlsRecords.HANDSHAKE) {
      throw TlsException.refusal(
          "no_renegotiation",
          "the peer tried to renegotiate the TLS 1.2 session; niotls refuses renegotiation");
    }
  }

  /** Counts an unwrapped record; too many in a row without data are a flood. */
  void unwrapped(int consumed, int produced) throws TlsException {
    if (consumed == 0) {
      return;
    }
    recordsWithoutData = produced > 0 ? 0 : recordsWithoutData + 1;
    if (recordsWithoutData > TlsEngine.MAX_RECORDS_WITHOUT_DATA) {
      throw TlsException.refusal(
          "unexpected_message",
          "the peer sent "
              + recordsWithoutData
              + " records in a row without application data (empty records, warning alerts or"
              + " KeyUpdates), more than the "
              + TlsEngine.MAX_RECORDS_WITHOUT_DATA
              + " niotls allows: a flood");
    }
  }
}
