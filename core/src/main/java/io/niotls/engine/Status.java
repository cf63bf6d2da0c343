package io.niotls.engine;

/**
 * What a {@link TlsEngine} call achieved, in the vocabulary of OpenSSL's {@code SSL_get_error}:
 * each value says what the caller must do next.
 */
public enum Status {
  /** The call finished: handshake complete, or bytes moved. */
  OK,
  /**
   * No whole record is buffered and the transport had nothing more. Wait until the transport is
   * readable (OP_READ, the next channelRead) and call again.
   */
  WANT_READ,
  /**
   * Ciphertext is waiting and the transport took less than all of it. Wait until the transport is
   * writable (OP_WRITE) and call again. Nothing already consumed is encrypted twice.
   */
  WANT_WRITE,
  /**
   * The SSLEngine wants delegated tasks run (certificate checks, key generation). Call {@link
   * TlsEngine#runTasks()} on any thread, then call again.
   */
  WANT_TASK,
  /** The peer sent close_notify: its side of the stream ended cleanly. */
  ZERO_RETURN,
  /**
   * The transport failed or ended without close_notify (a truncation, never a clean end). {@link
   * TlsEngine#failure()} says what happened. Terminal.
   */
  SYSCALL,
  /** A TLS protocol failure; {@link TlsEngine#failure()} names the alert and why. Terminal. */
  SSL,
  /** {@link TlsEngine#shutdown()} only: our close_notify is sent, the peer's not yet seen. */
  SENT,
  /** {@link TlsEngine#shutdown()} only: close_notify sent and received. */
  DONE;

  /** The negative code {@code read} and {@code write} return for this status. */
  public int code() {
    return -1 - ordinal();
  }

  /** The status a negative {@code read}/{@code write} result stands for. */
  public static Status ofCode(int code) {
    if (code >= 0) {
      throw new IllegalArgumentException("not a status code: " + code);
    }
    return BY_ORDINAL[-1 - code];
  }

  private static final Status[] BY_ORDINAL = values(); // values() clones the array every call

  /** True for SYSCALL and SSL: the engine failed and every further call reports the same. */
  public boolean isFatal() {
    return this == SYSCALL || this == SSL;
  }
}
