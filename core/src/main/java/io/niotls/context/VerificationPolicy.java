package io.niotls.context;

import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * What a peer's chain must also meet once it validates (by {@link VerifyingTrustManager}, for every
 * provider): the minimum key and signature strengths of a {@link SecurityLevel} (level 2 by
 * default), at most {@code verifyDepth} intermediate CA certificates (OpenSSL's {@code
 * -verify_depth}: neither the leaf nor the trust anchor counts), revocation by the given CRLs (end
 * entity only, like OpenSSL's {@code -crl_check}; checked by the JDK's PKIX validator), and for a
 * client that asks, a stapled OCSP response that vouches for the server's certificate. Each refusal
 * is a {@link PolicyRefusal} that names the certificate and the rule.
 *
 * @param verifyDepth the most intermediates allowed; -1 for no limit
 * @param level the minimum strengths
 * @param crls revocation lists; empty for no revocation check
 * @param requireStapling whether a server must staple a good OCSP response
 */
record VerificationPolicy(
    int verifyDepth, SecurityLevel level, List<X509CRL> crls, boolean requireStapling) {
  static final VerificationPolicy DEFAULT =
      new VerificationPolicy(-1, SecurityLevel.DEFAULT, List.of(), false);

  VerificationPolicy {
    crls = List.copyOf(crls);
  }

  /**
   * Checks the strengths and depth of a chain that validated; {@code anchors} are the trust
   * anchors, whose own keys and self-signatures are the operator's choice and not checked.
   */
  void checkChain(X509Certificate[] peer, Anchors anchors) throws PolicyRefusal {
    int intermediates = 0;
    for (int depth = 0; depth < peer.length; depth++) {
      X509Certificate certificate = peer[depth];
      if (depth > 0) {
        boolean issuedPrevious =
            peer[depth - 1].getIssuerX500Principal().equals(certificate.getSubjectX500Principal());
        if (!issuedPrevious || anchors.contains(certificate) || selfIssued(certificate)) {
          break; // the anchor sent along, or certificates the path does not use
        }
        intermediates++;
      }
      String weak = level.keyTooWeak(certificate.getPublicKey());
      if (weak != null) {
        throw refusal(PolicyRefusal.Rule.KEY_STRENGTH, certificate, depth, weak, "securityLevel");
      }
      weak = level.signatureTooWeak(certificate.getSigAlgName());
      if (weak != null) {
        throw refusal(PolicyRefusal.Rule.SIGNATURE, certificate, depth, weak, "securityLevel");
      }
      if (anchors.hasSubject(certificate.getIssuerX500Principal())) {
        break; // issued by an anchor: the path ends here
      }
    }
    if (verifyDepth >= 0 && intermediates > verifyDepth) {
      throw new PolicyRefusal(
          PolicyRefusal.Rule.DEPTH,
          "certificate "
              + name(peer[0])
              + " (depth 0) is refused: its chain has "
              + intermediates
              + " intermediate CA certificates, more than verifyDepth("
              + verifyDepth
              + ") allows");
    }
  }

  /**
   * Checks that {@code stapled}, the server's stapled OCSP response (null when it sent none), is a
   * good one for the server's certificate.
   */
  void checkStapled(X509Certificate[] peer, OcspResponse stapled, Anchors anchors, Instant now)
      throws PolicyRefusal {
    if (peer == null || peer.length == 0) {
      return; // the chain check has refused already
    }
    if (stapled == null) {
      throw new PolicyRefusal(
          PolicyRefusal.Rule.STAPLING,
          "certificate "
              + name(peer[0])
              + " (depth 0) is refused: the server stapled no OCSP response, and"
              + " requireOcspStapling() is set (the server must answer status_request with one)");
    }
    X509Certificate issuer = issuer(peer, anchors);
    if (issuer == null) {
      throw new PolicyRefusal(
          PolicyRefusal.Rule.STAPLING,
          "certificate "
              + name(peer[0])
              + " (depth 0) is refused: its issuer is unknown, so its stapled OCSP response"
              + " cannot be checked");
    }
    try {
      stapled.verify(peer[0], issuer, now);
    } catch (CertificateException e) {
      boolean revoked =
          e.getCause() instanceof CertPathValidatorException cause
              && cause.getReason() == CertPathValidatorException.BasicReason.REVOKED;
      throw new PolicyRefusal(
          revoked ? PolicyRefusal.Rule.REVOKED : PolicyRefusal.Rule.STAPLING,
          e.getMessage(),
          e.getCause());
    }
  }

  private static X509Certificate issuer(X509Certificate[] peer, Anchors anchors) {
    if (peer.length > 1
        && peer[0].getIssuerX500Principal().equals(peer[1].getSubjectX500Principal())) {
      return peer[1];
    }
    return anchors.issuerOf(peer[0]);
  }

  private static boolean selfIssued(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal());
  }

  private static PolicyRefusal refusal(
      PolicyRefusal.Rule rule, X509Certificate certificate, int depth, String why, String lower) {
    return new PolicyRefusal(
        rule,
        "certificate "
            + name(certificate)
            + " (depth "
            + depth
            + ") is refused: "
            + why
            + " ("
            + lower
            + "(n) lowers the minimum)");
  }

  static String name(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().getName();
  }
}
