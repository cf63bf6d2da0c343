package io.niotls.engine;

import java.io.IOException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why a connection failed: what {@link Kind} of failure, the {@link Status} it failed with (SSL or
 * SYSCALL, as {@code SSL_get_error} would say), the TLS alert involved when there was one, and a
 * message a person can act on. Configuration mistakes are not failures of a connection: they are
 * {@link io.niotls.context.TlsConfigException}s, thrown when the configuration is built.
 */
public final class TlsException extends IOException {
  private static final Pattern JDK_ALERT = Pattern.compile("alert: ([a-z_]+)");
  private static final Pattern OPENSSL_ALERT =
      Pattern.compile("(?:SSLV3|TLSV1|TLSV13)_ALERT_([A-Z_]+)");

  /** What kind of failure ended the connection. */
  public enum Kind {
    /** The TLS protocol failed: an alert was sent or received; status SSL. */
    PROTOCOL,
    /** The stream ended without close_notify: the data may be truncated; status SYSCALL. */
    TRUNCATED,
    /** The socket or transport failed (reset, refused, closed under us); status SYSCALL. */
    TRANSPORT,
    /** A deadline passed before the handshake finished; status SYSCALL. */
    TIMEOUT,
    /** Plaintext where only TLS may come, such as after STARTTLS (CVE-2011-0411); SYSCALL. */
    PLAINTEXT_REFUSED
  }

  private final Kind kind;
  private final String alert;
  private final boolean refusal;

  /**
   * @param kind what failed
   * @param alert the TLS alert sent or received, or null
   * @param message what happened and what to do, in words
   * @param cause the underlying exception, or null
   */
  public TlsException(Kind kind, String alert, String message, Throwable cause) {
    this(kind, alert, message, cause, false);
  }

  private TlsException(Kind kind, String alert, String message, Throwable cause, boolean refusal) {
    super(message, cause);
    this.kind = kind;
    this.alert = alert;
    this.refusal = refusal;
  }

  /** What kind of failure this is. */
  public Kind kind() {
    return kind;
  }

  /** SSL for protocol failures, SYSCALL for everything else (as {@code SSL_get_error} says). */
  public Status status() {
    return kind == Kind.PROTOCOL ? Status.SSL : Status.SYSCALL;
  }

  /** The TLS alert sent or received, such as {@code handshake_failure}; null when none. */
  public String alert() {
    return alert;
  }

  /**
   * A protocol failure the engine itself ends the connection for (a bad record, refused
   * renegotiation, no shared ALPN protocol): the peer is sent {@code alert}, fatal.
   */
  static TlsException refusal(String alert, String message) {
    return new TlsException(Kind.PROTOCOL, alert, message, null, true);
  }

  /** A protocol failure the engine found that is not ours to answer (the peer went first). */
  static TlsException protocol(String alert, String message) {
    return new TlsException(Kind.PROTOCOL, alert, message, null);
  }

  /** Whether niotls decided this failure, and so sends its alert itself. */
  boolean isRefusal() {
    return refusal;
  }

  /** The transport ended without close_notify. */
  static TlsException truncated(boolean handshaking) {
    return new TlsException(
        Kind.TRUNCATED,
        null,
        handshaking
            ? "the peer closed the connection during the handshake (no alert, no close_notify):"
                + " it may not speak TLS, or refused our protocols or certificate"
            : "the peer closed the connection without close_notify: the data may be truncated",
        null);
  }

  /** The transport failed; a refusal the transport made (a guard's) is passed on as it is. */
  static TlsException transport(IOException cause) {
    if (cause instanceof TlsException tls) {
      return tls;
    }
    return new TlsException(
        Kind.TRANSPORT, null, "the transport failed: " + cause.getMessage(), cause);
  }

  /** Turns what an SSLEngine threw into a message with the alert and a hint what to do. */
  static TlsException fromEngine(Exception cause) {
    String text = String.valueOf(cause.getMessage());
    String alert = alertIn(text);
    for (Throwable t = cause.getCause(); alert == null && t != null; t = t.getCause()) {
      alert = alertIn(String.valueOf(t.getMessage()));
    }
    return new TlsException(Kind.PROTOCOL, alert, describe(cause, text), cause);
  }

  private static String alertIn(String text) {
    Matcher jdk = JDK_ALERT.matcher(text);
    if (jdk.find()) {
      return jdk.group(1);
    }
    Matcher openssl = OPENSSL_ALERT.matcher(text);
    if (openssl.find()) {
      return openssl.group(1).toLowerCase(Locale.ROOT);
    }
    // BoringSSL names the reason of a refusal it sent, not the alert: this one has its own
    return text.contains(":NO_RENEGOTIATION") ? "no_renegotiation" : null;
  }

  private static String describe(Throwable cause, String text) {
    StringBuilder all = new StringBuilder(text);
    for (Throwable t = cause.getCause(); t != null; t = t.getCause()) {
      all.append(" / ").append(t.getMessage());
    }
    String lower = all.toString().toLowerCase(Locale.ROOT);
    String hint;
    if (lower.contains(":no_renegotiation")) {
      hint = "the peer tried to renegotiate the TLS 1.2 session; niotls refuses renegotiation";
    } else if (lower.contains("subject alternative") || lower.contains("hostname")) {
      hint = "the peer's certificate does not name the host we connected to";
    } else if (lower.contains("pkix") || lower.contains("unable to find valid certification")) {
      hint = "the peer's certificate is not trusted: add its CA to the trust settings or pin it";
    } else if (lower.contains("not pinned")) {
      hint = "the peer's certificate does not match any pinned fingerprint";
    } else if (lower.contains("expired") || lower.contains("not yet valid")) {
      hint = "a certificate is outside its validity period";
    } else if (lower.contains("empty client certificate chain")
        || lower.contains("peer_did_not_return_a_certificate")) {
      hint = "the client sent no certificate, but this server requires one (clientAuth REQUIRE)";
    } else if (lower.contains("protocol_version")
        || lower.contains("protocol is disabled")
        || lower.contains("unsupported_protocol")
        || lower.contains("protocol versions")
        || lower.contains("requested protocol")) {
      hint = "the peers share no protocol version (niotls speaks TLS 1.3 and 1.2 only)";
    } else if (lower.contains("clienthello_tlsext")
        || lower.contains("unrecognized_name")
        || lower.contains("unrecognized server name")) {
      hint =
          "the client's hello asked for what this server refuses: a server name it does not serve"
              + " (sniStrict), or an extension it cannot accept";
    } else if (lower.contains("no_application_protocol")) {
      hint = "the peers share no ALPN protocol";
    } else if (lower.contains("bad_record_mac")
        || lower.contains("bad_decrypt")
        || lower.contains("tag mismatch")
        || lower.contains("for aead cipher fragment")) {
      hint =
          "a record failed to decrypt: it was altered in transit, or the peer sent plaintext"
              + " where encrypted records were due";
    } else if (lower.contains(":unexpected_record")
        || lower.contains(":unexpected_message")
        || lower.contains("unexpected handshake message")
        || lower.contains("unexpected renegotiation")
        || lower.contains("before handshake complete")
        || lower.contains("unrecognized ssl message")) {
      hint =
          "the peer sent a record or message that is not allowed at this point (application"
              + " data before the handshake finished, a second hello, or not TLS)";
    } else if (lower.contains("cipher suite")
        || lower.contains("no_shared_cipher")
        || lower.contains("no_cipher")
        || lower.contains("handshake_failure")) {
      hint = "the peers share no cipher suite or key type, or a certificate was refused";
    } else if (lower.contains("certificate_required") || lower.contains("bad_certificate")) {
      hint = "a client certificate was required and not given, or refused";
    } else {
      hint = "TLS handshake or record failure";
    }
    return hint + " (" + all + ")";
  }
}
