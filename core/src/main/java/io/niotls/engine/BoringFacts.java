package io.niotls.engine;

import io.netty.handler.ssl.CipherSuiteConverter;
import io.netty.internal.tcnative.SSL;
import io.niotls.context.NativeSsl;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
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
      long ssl, String protocol, boolean client, String serverName, boolean peerCertificates) {
    String cipher = CipherSuiteConverter.toJava(SSL.getCipherForSSL(ssl), "TLS");
    return SessionInfo.of(
        protocol,
        cipher,
        SSL.getAlpnSelected(ssl),
        client ? serverName : SSL.getSniHostname(ssl),
        peerCertificates ? peerCertificates(ssl, client) : List.of(),
        SSL.isSessionReused(ssl),
        client ? SSL.getOcspResponse(ssl) : null);
  }

  /** The peer's chain, leaf first; tcnative leaves a server's peer leaf out of the chain. */
  private static List<X509Certificate> peerCertificates(long ssl, boolean client) {
    List<byte[]> der = new ArrayList<>();
    if (!client) {
      byte[] leaf = SSL.getPeerCertificate(ssl);
      if (leaf == null) {
        return List.of();
      }
      der.add(leaf);
    }
    byte[][] chain = SSL.getPeerCertChain(ssl);
    if (chain != null) {
      der.addAll(List.of(chain));
    }
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      List<X509Certificate> certificates = new ArrayList<>();
      for (byte[] certificate : der) {
        certificates.add(
            (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(certificate)));
      }
      return certificates;
    } catch (CertificateException e) {
      return List.of();
    }
  }
}
