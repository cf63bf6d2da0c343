package io.niotls.loop;

import io.niotls.engine.Status;
import io.niotls.engine.TlsException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;

/** The loop's own failures, each in words a person can act on. */
final class Failures {
  private Failures() {}

  /** The peer's close_notify ended a session with {@code bytes} of ours still unsent. */
  static IOException unsent(InetSocketAddress peer, long bytes) {
    return new IOException(
        Addresses.text(peer)
            + " ended the session with close_notify while "
            + bytes
            + " bytes written by the application were still queued; they were not sent (TLS 1.2"
            + " and Netty's BoringSSL engine close both directions at close_notify)");
  }

  /** A TLS handshake (first or STARTTLS) passed its deadline. */
  static TlsException handshakeTimeout(InetSocketAddress peer, Duration timeout) {
    return new TlsException(
        Status.SYSCALL,
        null,
        "the TLS handshake with "
            + Addresses.text(peer)
            + " did not finish within "
            + timeout.toMillis()
            + " ms (handshake deadline)",
        null);
  }

  /** A connect (plaintext, or before a handshake could start) passed its deadline. */
  static SocketTimeoutException connectTimeout(InetSocketAddress peer, Duration timeout) {
    return new SocketTimeoutException(
        "connecting to "
            + Addresses.text(peer)
            + " did not finish within "
            + timeout.toMillis()
            + " ms");
  }

  static ConnectException connectFailed(InetSocketAddress peer, IOException cause) {
    ConnectException failure =
        new ConnectException(
            "cannot connect to " + Addresses.text(peer) + ": " + cause.getMessage());
    failure.initCause(cause);
    return failure;
  }

  /**
   * Plaintext after STARTTLS: the command injection of CVE-2011-0411 (a man in the middle appends
   * commands to the cleartext STARTTLS that would otherwise run as if they came through TLS).
   */
  static IOException injection(int bytes, String where) {
    return new IOException(
        "STARTTLS command injection refused (CVE-2011-0411): "
            + bytes
            + " plaintext byte(s) from the peer "
            + where
            + "; they are dropped, never taken as TLS data, and the connection is closed");
  }
}
