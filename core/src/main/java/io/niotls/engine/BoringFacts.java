package io.niotls.engine;

import io.netty.handler.ssl.CipherSuiteConverter;
import io.netty.internal.tcnative.SSL;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** What a handshake BoringSSL ran for {@link BoringDriver} negotiated, read from its accessors. */
final class BoringFacts {
  private BoringFacts() {}

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
        SSL.isSessionReused(ssl));
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
