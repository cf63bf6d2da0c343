package io.niotls.datagram;

import io.niotls.engine.TlsException;
import java.io.IOException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/** The {@link TlsException}s a {@link DtlsEngine} fails with, named as the stream engine's are. */
final class DtlsFailures {
  private static final Pattern JDK_ALERT = Pattern.compile("alert: ([a-z_]+)");

  private DtlsFailures() {}

  static TlsException closedDuringHandshake() {
    return new TlsException(
        TlsException.Kind.PROTOCOL,
        null,
        "the DTLS association closed during the handshake: the peer sent close_notify or an alert",
        null);
  }

  static TlsException transport(IOException e) {
    if (e instanceof TlsException tls) {
      return tls;
    }
    return new TlsException(
        TlsException.Kind.TRANSPORT, null, "the datagram transport failed: " + e.getMessage(), e);
  }

  /** The JDK engine's failure, with the alert its message names (it has no other way to say). */
  static TlsException fromEngine(SSLException e) {
    String alert = null;
    for (Throwable t = e; alert == null && t != null; t = t.getCause()) {
      Matcher m = JDK_ALERT.matcher(String.valueOf(t.getMessage()));
      alert = m.find() ? m.group(1).toLowerCase(Locale.ROOT) : null;
    }
    return new TlsException(
        TlsException.Kind.PROTOCOL,
        alert,
        "the DTLS handshake or a record failed: " + e.getMessage(),
        e);
  }

  static TlsException handshakeTimedOut(int retransmissions, long deadlineSeconds, int maxPacket) {
    return new TlsException(
        TlsException.Kind.TIMEOUT,
        null,
        "the DTLS handshake got no answer to its last flight after "
            + retransmissions
            + " retransmissions (deadline "
            + deadlineSeconds
            + " s): the peer may not speak DTLS at this address, or datagrams are lost"
            + " on the way (a firewall, or a path MTU below "
            + maxPacket
            + ")",
        null);
  }

  /** A write the JDK's engine cut short: one write is one record, so the rest cannot follow. */
  static SSLException cutShort(int consumed, int length, int maxPacket) {
    return new SSLException(
        "the JDK's DTLS engine put only "
            + consumed
            + " of the datagram's "
            + length
            + " bytes in its record (its packet size shrank below "
            + maxPacket
            + "): the datagram was sent cut short");
  }
}
