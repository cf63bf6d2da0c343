package io.niotls.bench.support;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The JDK's PKIX trust manager over one CA, counting the server chains it checks. A client checks
 * the server's chain only in a full handshake, so the count tells Netty's client handshakes apart
 * the way niotls's own trust manager does for its engines. Same validation work as niotls's.
 */
final class CountingTrustManager extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager chain;
  private final AtomicLong serverChecks = new AtomicLong();

  CountingTrustManager(X509Certificate ca) {
    try {
      KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
      anchors.load(null, null);
      anchors.setCertificateEntry("ca", ca);
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(anchors);
      X509ExtendedTrustManager found = null;
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509ExtendedTrustManager x509) {
          found = x509;
        }
      }
      if (found == null) {
        throw new IllegalStateException("the JDK offers no X.509 trust manager");
      }
      chain = found;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Server chains checked so far: full client handshakes. */
  long serverChecks() {
    return serverChecks.get();
  }

  @Override
  public void checkServerTrusted(X509Certificate[] peer, String authType, SSLEngine engine)
      throws CertificateException {
    serverChecks.incrementAndGet();
    chain.checkServerTrusted(peer, authType, engine);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] peer, String authType, Socket socket)
      throws CertificateException {
    serverChecks.incrementAndGet();
    chain.checkServerTrusted(peer, authType, socket);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] peer, String authType)
      throws CertificateException {
    serverChecks.incrementAndGet();
    chain.checkServerTrusted(peer, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] peer, String authType, SSLEngine engine)
      throws CertificateException {
    chain.checkClientTrusted(peer, authType, engine);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] peer, String authType, Socket socket)
      throws CertificateException {
    chain.checkClientTrusted(peer, authType, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] peer, String authType)
      throws CertificateException {
    chain.checkClientTrusted(peer, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return chain.getAcceptedIssuers();
  }
}
