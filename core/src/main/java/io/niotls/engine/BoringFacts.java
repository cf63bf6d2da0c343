package io.niotls.engine;

import io.netty.handler.ssl.CipherSuiteConverter;
import io.netty.internal.tcnative.SSL;
import io.niotls.context.NativeSsl;
import java.security.cert.CertificateException;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * What BoringSSL says about a {@link BoringDriver}'s connection: what its handshake negotiated,
 * read from its accessors, and why it failed.
 */
final class BoringFacts {
  private BoringFacts() {}

  /** BoringSSL's reason for the failure it reports, and our trust check's when it refused. */
  static TlsException failure(NativeSsl nativeSsl) {
    String reason = SSL.getErrorString(SSL.getLastErrorNumber());
    SSL.clearError(); // the queue is the thread's: leave nothing for the next connection
    SSLException e = new SSLException(reason);
    CertificateException refused = nativeSsl.verifyFailure();
    if (refused != null) {
      e.initCause(refused);
    }
    return TlsException.fromEngine(e);
  }

  /**
   * @param protocol the version BoringSSL reports
   * @param serverName the name a client sent; a server reads it from BoringSSL
   * @param peerCertificates false when the peer cannot have sent any
   */
  static SessionInfo session(
      NativeSsl nativeSsl,
      String protocol,
      boolean client,
      String serverName,
      boolean peerCertificates) {
    long ssl = nativeSsl.ssl();
    String cipher = CipherSuiteConverter.toJava(SSL.getCipherForSSL(ssl), "TLS");
    return SessionInfo.of(
        protocol,
        cipher,
        SSL.getAlpnSelected(ssl),
        client ? serverName : nativeSsl.requestedServerName(),
        peerCertificates ? nativeSsl.peerCertificates(client) : List.of(),
        SSL.isSessionReused(ssl),
        client ? SSL.getOcspResponse(ssl) : null);
  }
}
