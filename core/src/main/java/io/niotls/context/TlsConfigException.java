package io.niotls.context;

/**
 * A TLS configuration that cannot work: a missing or unreadable file, a wrong password, a key that
 * does not belong to its certificate, an alias that is not there.
 *
 * <p>The message says what was wrong and what to do about it, and names the file or alias involved.
 * It never contains a password.
 */
public class TlsConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public TlsConfigException(String message) {
    super(message);
  }

  public TlsConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
