package io.niotls.cli.client;

import io.niotls.wire.TlsRecords;

/**
 * Whether the first bytes a plaintext server sent back start a TLS record: content type 21 (alert)
 * or 22 (handshake), then record version 3.0 to 3.4 ({@code 0x03 0x00}-{@code 0x04}). A TLS server
 * that reads plaintext where it expects a ClientHello answers with an alert record (JSSE, GnuTLS);
 * no text protocol starts with those bytes. Pure function, thread-safe.
 */
final class TlsRecordStart {
  /** How many bytes it takes to decide. */
  static final int LENGTH = 3;

  /** What the bytes so far say. */
  enum Verdict {
    /** A TLS record starts here. */
    TLS,
    /** Not a TLS record. */
    NOT_TLS,
    /** So far like a TLS record; more bytes are needed. */
    UNDECIDED
  }

  private TlsRecordStart() {}

  /** Judges the first {@code length} bytes of {@code head}. */
  static Verdict of(byte[] head, int length) {
    if (length >= 1 && head[0] != TlsRecords.ALERT && head[0] != TlsRecords.HANDSHAKE) {
      return Verdict.NOT_TLS;
    }
    if (length >= 2 && head[1] != 3) {
      return Verdict.NOT_TLS;
    }
    if (length >= 3) {
      return head[2] >= 0 && head[2] <= 4 ? Verdict.TLS : Verdict.NOT_TLS;
    }
    return Verdict.UNDECIDED;
  }

  /** What the record's content type says, for a message: {@code "an alert"}. */
  static String kind(byte contentType) {
    return contentType == TlsRecords.ALERT ? "an alert" : "a handshake message";
  }
}
