package io.niotls.loop;

import io.niotls.engine.TlsException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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
        TlsException.Kind.TIMEOUT,
        null,
        "the TLS handshake with "
            + Addresses.text(peer)
            + " did not finish within "
            + timeout.toMillis()
            + " ms (handshake deadline)",
        null);
  }

  /**
   * A connect (plaintext, or before a handshake could start) passed its deadline.
   *
   * @param refused the addresses tried before {@code peer} and why each failed; may be null
   */
  static SocketTimeoutException connectTimeout(
      InetSocketAddress peer, Duration timeout, Map<InetSocketAddress, IOException> refused) {
    String before =
        refused == null || refused.isEmpty() ? "" : " (tried before: " + reasons(refused) + ")";
    return new SocketTimeoutException(
        "connecting to "
            + Addresses.text(peer)
            + " did not finish within "
            + timeout.toMillis()
            + " ms"
            + before);
  }

  /**
   * Every address of the peer refused the connect: {@code cannot connect to 127.0.0.1:443:
   * Connection refused}, or for several {@code cannot connect to localhost:443 at any of its
   * addresses: [::1]:443 (Connection refused), 127.0.0.1:443 (Connection refused)}. The cause is
   * the last failure, the earlier ones are suppressed.
   *
   * @param host the host name the addresses are of
   * @param refused the addresses in the order tried, and why each failed; not empty
   */
  static ConnectException connectFailed(String host, Map<InetSocketAddress, IOException> refused) {
    List<IOException> causes = List.copyOf(refused.values());
    IOException last = causes.get(causes.size() - 1);
    String message;
    if (refused.size() == 1) {
      message =
          "cannot connect to "
              + Addresses.text(refused.keySet().iterator().next())
              + ": "
              + last.getMessage();
    } else {
      int port = refused.keySet().iterator().next().getPort();
      message =
          "cannot connect to "
              + Addresses.text(InetSocketAddress.createUnresolved(host, port))
              + " at any of its addresses: "
              + reasons(refused);
    }
    ConnectException failure = new ConnectException(message);
    failure.initCause(last);
    for (IOException earlier : causes.subList(0, causes.size() - 1)) {
      failure.addSuppressed(earlier);
    }
    return failure;
  }

  /** {@code [::1]:443 (Connection refused), 127.0.0.1:443 (Connection refused)}. */
  private static String reasons(Map<InetSocketAddress, IOException> refused) {
    StringBuilder text = new StringBuilder();
    refused.forEach(
        (address, why) ->
            text.append(text.length() == 0 ? "" : ", ")
                .append(Addresses.text(address))
                .append(" (")
                .append(why.getMessage())
                .append(')'));
    return text.toString();
  }

  /**
   * Plaintext after STARTTLS: the command injection of CVE-2011-0411 (a man in the middle appends
   * commands to the cleartext STARTTLS that would otherwise run as if they came through TLS).
   */
  static TlsException injection(int bytes, String where) {
    return new TlsException(
        TlsException.Kind.PLAINTEXT_REFUSED,
        null,
        "STARTTLS command injection refused (CVE-2011-0411): "
            + bytes
            + " plaintext byte(s) from the peer "
            + where
            + "; they are dropped, never taken as TLS data, and the connection is closed",
        null);
  }
}
