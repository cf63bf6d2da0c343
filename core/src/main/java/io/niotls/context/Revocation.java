package io.niotls.context;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.X509CRL;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.List;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Revocation by CRL files through the JDK's PKIX validator: the peer's certificate (the end entity
 * only, like OpenSSL's {@code -crl_check}) must be covered by a CRL of its issuer among the files,
 * and not listed in it. Nothing is fetched: no CRL distribution points, no OCSP.
 */
final class Revocation {
  private Revocation() {}

  /** The trust manager parameters: {@code anchors} (null: the system's) and the CRLs. */
  static ManagerFactoryParameters parameters(KeyStore anchors, List<X509CRL> crls) {
    try {
      PKIXBuilderParameters parameters =
          new PKIXBuilderParameters(
              anchors != null ? anchors : systemAnchors(), new X509CertSelector());
      parameters.addCertStore(
          CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
      parameters.setRevocationEnabled(true);
      PKIXRevocationChecker checker =
          (PKIXRevocationChecker) CertPathValidator.getInstance("PKIX").getRevocationChecker();
      checker.setOptions(
          EnumSet.of(
              PKIXRevocationChecker.Option.PREFER_CRLS,
              PKIXRevocationChecker.Option.NO_FALLBACK,
              PKIXRevocationChecker.Option.ONLY_END_ENTITY));
      parameters.addCertPathChecker(checker);
      return new CertPathTrustManagerParameters(parameters);
    } catch (GeneralSecurityException e) {
      throw new TlsConfigException("the CRLs could not be used: " + e.getMessage(), e);
    }
  }

  /**
   * A revocation refusal in the policy's words (the certificate, and what the CRLs said), keeping
   * the validator's exception as the cause so SunJSSE still sends {@code certificate_revoked}; null
   * when {@code e} is not about revocation.
   */
  static PolicyRefusal explain(CertificateException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CertPathValidatorException cpve) {
        if (cpve.getReason() == CertPathValidatorException.BasicReason.REVOKED) {
          return new PolicyRefusal(
              PolicyRefusal.Rule.REVOKED,
              "certificate " + subject(cpve) + " is revoked by a CRL: " + cpve.getMessage(),
              cpve.getCause());
        }
        if (cpve.getReason()
            == CertPathValidatorException.BasicReason.UNDETERMINED_REVOCATION_STATUS) {
          return new PolicyRefusal(
              PolicyRefusal.Rule.UNDETERMINED,
              "certificate "
                  + subject(cpve)
                  + " is refused: no CRL among the crl(...) files covers it ("
                  + cpve.getMessage()
                  + "); give its issuer's CRL",
              cpve.getCause());
        }
      }
    }
    return null;
  }

  private static String subject(CertPathValidatorException e) {
    if (e.getCertPath() != null && e.getIndex() >= 0) {
      List<? extends Certificate> path = e.getCertPath().getCertificates();
      if (e.getIndex() < path.size() && path.get(e.getIndex()) instanceof X509Certificate c) {
        return c.getSubjectX500Principal().getName() + " (depth " + e.getIndex() + ")";
      }
    }
    return "of the peer";
  }

  private static KeyStore systemAnchors() throws GeneralSecurityException {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init((KeyStore) null);
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        return Pem.trustStore(List.of(x509.getAcceptedIssuers()));
      }
    }
    throw new TlsConfigException("the JDK offers no X.509 trust manager");
  }
}
