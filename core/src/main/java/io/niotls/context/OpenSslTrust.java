package io.niotls.context;

import io.netty.handler.ssl.OpenSslCertificateException;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The trust checks of Netty's OpenSSL engine: {@link VerifyingTrustManager}'s, with a policy
 * refusal handed to Netty as the X.509 verify error BoringSSL turns into the alert OpenSSL sends
 * for it ({@code bad_certificate} for a weak key, {@code certificate_revoked}); Netty reports other
 * exceptions as an unspecified error, which BoringSSL answers with {@code internal_error}.
 */
final class OpenSslTrust extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager trust;

  OpenSslTrust(X509ExtendedTrustManager trust) {
    this.trust = trust;
  }

  private interface Check {
    void run() throws CertificateException;
  }

  private static void translated(Check check) throws CertificateException {
    try {
      check.run();
    } catch (PolicyRefusal e) {
      OpenSslCertificateException netty =
          new OpenSslCertificateException(e.getMessage(), BoringContext.verifyError(e));
      netty.initCause(e);
      throw netty;
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    translated(() -> trust.checkServerTrusted(chain, authType, engine));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    translated(() -> trust.checkClientTrusted(chain, authType, engine));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    translated(() -> trust.checkServerTrusted(chain, authType, socket));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    translated(() -> trust.checkClientTrusted(chain, authType, socket));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    translated(() -> trust.checkServerTrusted(chain, authType));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    translated(() -> trust.checkClientTrusted(chain, authType));
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return trust.getAcceptedIssuers();
  }
}
