package io.niotls.cli.http;

/** A request that cannot be answered: the status to answer it with, and why. */
public final class HttpParseException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;

  public HttpParseException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** 400, 431, 501 or 505. */
  public int status() {
    return status;
  }
}
