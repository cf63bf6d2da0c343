package io.niotls.engine;

import io.niotls.context.Fingerprint;
import io.niotls.context.OcspResponse;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * What a finished handshake negotiated, captured once so it outlives the SSLEngine.
 *
 * @param protocol TLSv1.3 or TLSv1.2
 * @param cipherSuite the IANA/Java name of the negotiated suite
 * @param applicationProtocol the ALPN protocol, or null when none was negotiated
 * @param serverName the SNI host name the client sent (as seen by either side), or null
 * @param peerCertificates the peer's chain, leaf first; empty when the peer sent none
 * @param resumed whether the handshake resumed an earlier session
 * @param ocspResponse a client's: the OCSP response the server stapled, or null when it stapled
 *     none. A client asks with {@code requestOcspStapling()} (SunJSSE asks anyway, unless {@code
 *     jdk.tls.client.enableStatusRequestExtension} is false); always null on a server
 */
public record SessionInfo(
    String protocol,
    String cipherSuite,
    String applicationProtocol,
    String serverName,
    List<X509Certificate> peerCertificates,
    boolean resumed,
    OcspResponse ocspResponse) {

  /** A session without a stapled OCSP response. */
  public SessionInfo(
      String protocol,
      String cipherSuite,
      String applicationProtocol,
      String serverName,
      List<X509Certificate> peerCertificates,
      boolean resumed) {
    this(protocol, cipherSuite, applicationProtocol, serverName, peerCertificates, resumed, null);
  }

  /** SHA-256 fingerprint of the peer's leaf certificate, or null when it sent none. */
  public Fingerprint peerFingerprint() {
    return peerCertificates.isEmpty() ? null : Fingerprint.sha256(peerCertificates.get(0));
  }

  /**
   * @param serverName the SNI name the client sent, as either side knows it
   * @param peerCertificates false when the peer cannot have sent any (a server that asked for no
   *     client certificate): the SSLEngine would throw, at the cost of a stack trace, to say so
   */
  static SessionInfo of(
      SSLEngine engine, String serverName, boolean resumed, boolean peerCertificates) {
    SSLSession session = engine.getSession();
    String alpn = engine.getApplicationProtocol();
    return new SessionInfo(
        canonical(session.getProtocol()),
        session.getCipherSuite(),
        alpn == null || alpn.isEmpty() ? null : alpn,
        serverName,
        peerCertificates ? peerCertificates(session) : List.of(),
        resumed,
        engine.getUseClientMode() ? stapled(session) : null);
  }

  /** The leaf's stapled response: SunJSSE and Netty's engine both list it first. */
  private static OcspResponse stapled(SSLSession session) {
    if (session instanceof ExtendedSSLSession extended) {
      List<byte[]> responses = extended.getStatusResponses();
      if (!responses.isEmpty() && responses.get(0).length > 0) {
        return OcspResponse.received(responses.get(0));
      }
    }
    return null;
  }

  /** What a handshake BoringSSL ran directly negotiated, from its own accessors. */
  static SessionInfo of(
      String protocol,
      String cipherSuite,
      String alpn,
      String serverName,
      List<X509Certificate> peerCertificates,
      boolean resumed,
      byte[] ocspResponse) {
    return new SessionInfo(
        canonical(protocol),
        cipherSuite,
        alpn == null || alpn.isEmpty() ? null : alpn,
        serverName,
        List.copyOf(peerCertificates),
        resumed,
        ocspResponse == null || ocspResponse.length == 0
            ? null
            : OcspResponse.received(ocspResponse));
  }

  /**
   * The constant for a known version name: BoringSSL's engine returns a new String per session, and
   * a session keeps its SessionInfo as long as it lives.
   */
  private static String canonical(String protocol) {
    return switch (protocol) {
      case "TLSv1.3" -> "TLSv1.3";
      case "TLSv1.2" -> "TLSv1.2";
      default -> protocol;
    };
  }

  private static List<X509Certificate> peerCertificates(SSLSession session) {
    try {
      List<X509Certificate> chain = new ArrayList<>();
      for (Certificate certificate : session.getPeerCertificates()) {
        chain.add((X509Certificate) certificate);
      }
      return List.copyOf(chain);
    } catch (SSLPeerUnverifiedException none) {
      return List.of();
    }
  }
}
