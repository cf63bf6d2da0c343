package io.niotls.context;

import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;

/**
 * A peer's chain refused by the verification policy ({@link VerificationPolicy}) rather than by the
 * chain's validation: its message names the certificate and the rule. Its cause is a {@link
 * CertPathValidatorException} whose reason makes SunJSSE send the alert OpenSSL sends for the same
 * refusal; {@link #rule()} tells the BORINGSSL provider which verify error to report for it.
 */
final class PolicyRefusal extends CertificateException {
  private static final long serialVersionUID = 1L;

  /** Which rule refused the chain. */
  enum Rule {
    /** A key below the security level: OpenSSL's "EE/CA certificate key too weak". */
    KEY_STRENGTH(CertPathValidatorException.BasicReason.INVALID_SIGNATURE),
    /** A signature algorithm below the security level: "CA signature digest algorithm too weak". */
    SIGNATURE(CertPathValidatorException.BasicReason.INVALID_SIGNATURE),
    /** More intermediates than verifyDepth allows: "certificate chain too long". */
    DEPTH(CertPathValidatorException.BasicReason.UNSPECIFIED),
    /** Revoked by a CRL or a stapled OCSP response. */
    REVOKED(CertPathValidatorException.BasicReason.REVOKED),
    /** Revocation could not be decided: no CRL from the issuer. */
    UNDETERMINED(CertPathValidatorException.BasicReason.UNDETERMINED_REVOCATION_STATUS),
    /** requireOcspStapling() and no usable stapled response. */
    STAPLING(CertPathValidatorException.BasicReason.UNSPECIFIED);

    final CertPathValidatorException.BasicReason reason;

    Rule(CertPathValidatorException.BasicReason reason) {
      this.reason = reason;
    }
  }

  private final Rule rule;

  PolicyRefusal(Rule rule, String message) {
    this(rule, message, null);
  }

  PolicyRefusal(Rule rule, String message, Throwable detail) {
    super(message, new CertPathValidatorException(message, detail, null, -1, rule.reason));
    this.rule = rule;
  }

  Rule rule() {
    return rule;
  }
}
