package io.niotls.context;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateRevokedException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * A DER-encoded OCSP response (RFC 6960): the one a server staples ({@link
 * TlsContextBuilder#ocspResponse(Path)}), or the one a client received ({@code
 * SessionInfo.ocspResponse()}). Immutable; {@link #bytes()} hands out copies.
 *
 * <p>What it says is read with BouncyCastle, never registered as a JCA provider. {@link #verify}
 * checks it for one certificate the way a client must before it believes it: the responder's
 * signature (the issuing CA, or a responder the CA delegated with id-kp-OCSPSigning), the
 * certificate it speaks of, its validity window, and the status.
 */
public final class OcspResponse {
  /** How far the clocks of the responder and ours may disagree. */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private static final Map<Integer, String> RESPONSE_STATUSES =
      Map.of(
          0, "successful",
          1, "malformedRequest",
          2, "internalError",
          3, "tryLater",
          5, "sigRequired",
          6, "unauthorized");

  private final byte[] der;
  private final OCSPResp parsed; // null when the bytes are not an OCSP response
  private final String parseError; // why not, else null

  private OcspResponse(byte[] der) {
    this.der = der;
    OCSPResp p = null;
    String error = null;
    try {
      p = new OCSPResp(der);
    } catch (IOException | RuntimeException e) {
      error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
    this.parsed = p;
    this.parseError = error;
  }

  /**
   * The response in a file, as {@code openssl ocsp -respout} writes it (DER).
   *
   * @throws TlsConfigException when the file is missing or unreadable, or holds no OCSP response
   */
  public static OcspResponse read(Path file) {
    byte[] bytes = Pem.read(file, "OCSP response file");
    OcspResponse response = new OcspResponse(bytes);
    if (response.parsed == null) {
      throw new TlsConfigException(
          "OCSP response file "
              + file
              + " holds no DER OCSP response ("
              + response.parseError
              + "): make one with openssl ocsp ... -respout FILE");
    }
    return response;
  }

  /** A response as received: kept even when it does not parse, so it can be shown and refused. */
  public static OcspResponse received(byte[] der) {
    return new OcspResponse(der.clone());
  }

  /** The DER bytes, a copy. */
  public byte[] bytes() {
    return der.clone();
  }

  /** How many bytes the DER encoding has. */
  public int length() {
    return der.length;
  }

  /** Whether the bytes are an OCSP response at all. */
  public boolean parses() {
    return parsed != null;
  }

  /**
   * RFC 6960's responseStatus: {@code successful}, {@code tryLater}, ...; {@code unparseable} when
   * the bytes are not an OCSP response.
   */
  public String responseStatus() {
    if (parsed == null) {
      return "unparseable";
    }
    return RESPONSE_STATUSES.getOrDefault(parsed.getStatus(), "status " + parsed.getStatus());
  }

  /**
   * The status of the first certificate the response speaks of: {@code good}, {@code revoked} or
   * {@code unknown}; null when the response holds no certificate status.
   */
  public String certStatus() {
    SingleResp single = first();
    return single == null ? null : statusName(single.getCertStatus());
  }

  /** The serial number of the first certificate the response speaks of, or null. */
  public BigInteger serialNumber() {
    SingleResp single = first();
    return single == null ? null : single.getCertID().getSerialNumber();
  }

  /** thisUpdate of the first certificate status, or null. */
  public Instant thisUpdate() {
    SingleResp single = first();
    return single == null ? null : single.getThisUpdate().toInstant();
  }

  /** nextUpdate of the first certificate status, or null when the responder gave none. */
  public Instant nextUpdate() {
    SingleResp single = first();
    return single == null || single.getNextUpdate() == null
        ? null
        : single.getNextUpdate().toInstant();
  }

  /**
   * Why a server should not staple this response with {@code certificate}, or null when it may: it
   * must be successful and speak of the certificate's serial number. (Its signature and freshness
   * are the client's to judge.)
   */
  String unfitFor(X509Certificate certificate) {
    BasicOCSPResp basic = basic();
    if (basic == null) {
      return "its status is " + responseStatus() + ", not successful";
    }
    for (SingleResp single : basic.getResponses()) {
      if (single.getCertID().getSerialNumber().equals(certificate.getSerialNumber())) {
        return null;
      }
    }
    return "it speaks of serial "
        + (serialNumber() == null ? "none" : serialNumber().toString(16))
        + ", not of the certificate "
        + certificate.getSubjectX500Principal().getName()
        + " (serial "
        + certificate.getSerialNumber().toString(16)
        + ")";
  }

  /**
   * What {@code openssl s_client -status} shows, one fact a line: the response status, and for a
   * successful one the serial, cert status and update times of each certificate it covers.
   */
  public String describe() {
    StringBuilder text = new StringBuilder();
    text.append("OCSP Response Status: ").append(responseStatus()).append('\n');
    BasicOCSPResp basic = basic();
    if (basic == null) {
      return text.toString();
    }
    X500Principal responder = responderName(basic);
    if (responder != null) {
      text.append("Responder Id: ").append(responder.getName()).append('\n');
    }
    for (SingleResp single : basic.getResponses()) {
      text.append("Serial Number: ")
          .append(single.getCertID().getSerialNumber().toString(16).toUpperCase())
          .append('\n');
      text.append("Cert Status: ").append(statusName(single.getCertStatus())).append('\n');
      if (single.getCertStatus() instanceof RevokedStatus revoked) {
        text.append("Revocation Time: ").append(revoked.getRevocationTime().toInstant());
        text.append('\n');
      }
      text.append("This Update: ").append(single.getThisUpdate().toInstant()).append('\n');
      if (single.getNextUpdate() != null) {
        text.append("Next Update: ").append(single.getNextUpdate().toInstant()).append('\n');
      }
    }
    return text.toString();
  }

  /**
   * Checks that this response vouches for {@code certificate} now: successful, signed by {@code
   * issuer} or by a responder certificate {@code issuer} signed for OCSP signing, about this very
   * certificate, current (thisUpdate not in the future, nextUpdate not past, give or take five
   * minutes) and {@code good}.
   *
   * @throws CertificateException saying which of these failed and for which certificate; a revoked
   *     certificate's is caused by a {@link CertPathValidatorException} whose reason is {@code
   *     REVOKED}, so that the JDK answers it with the matching alert
   */
  public void verify(X509Certificate certificate, X509Certificate issuer, Instant now)
      throws CertificateException {
    String subject = certificate.getSubjectX500Principal().getName();
    if (parsed == null) {
      throw new CertificateException(
          "the stapled OCSP response for " + subject + " is not an OCSP response: " + parseError);
    }
    BasicOCSPResp basic = basic();
    if (basic == null) {
      throw new CertificateException(
          "the stapled OCSP response for " + subject + " is not successful: " + responseStatus());
    }
    checkSignature(basic, issuer, subject, now);
    SingleResp single = about(basic, certificate, issuer);
    if (single == null) {
      throw new CertificateException(
          "the stapled OCSP response speaks of another certificate, not of "
              + subject
              + " (serial "
              + certificate.getSerialNumber().toString(16)
              + ")");
    }
    Instant thisUpdate = single.getThisUpdate().toInstant();
    if (thisUpdate.isAfter(now.plus(CLOCK_SKEW))) {
      throw new CertificateException(
          "the stapled OCSP response for "
              + subject
              + " is not valid yet: thisUpdate "
              + thisUpdate);
    }
    Date next = single.getNextUpdate();
    if (next != null && next.toInstant().isBefore(now.minus(CLOCK_SKEW))) {
      throw new CertificateException(
          "the stapled OCSP response for "
              + subject
              + " is stale: its nextUpdate "
              + next.toInstant()
              + " has passed");
    }
    Object status = single.getCertStatus();
    if (status instanceof RevokedStatus revoked) {
      String reason =
          revoked.hasRevocationReason() ? reasonName(revoked.getRevocationReason()) : "unspecified";
      String message =
          "certificate "
              + subject
              + " is revoked (stapled OCSP response: revoked at "
              + revoked.getRevocationTime().toInstant()
              + ", reason "
              + reason
              + ")";
      CertificateRevokedException cause =
          new CertificateRevokedException(
              revoked.getRevocationTime(),
              java.security.cert.CRLReason.UNSPECIFIED,
              issuer.getSubjectX500Principal(),
              Map.of());
      throw new CertificateException(
          message,
          new CertPathValidatorException(
              message, cause, null, -1, CertPathValidatorException.BasicReason.REVOKED));
    }
    if (status != CertificateStatus.GOOD) {
      throw new CertificateException(
          "the stapled OCSP response says the status of " + subject + " is unknown");
    }
  }

  private void checkSignature(
      BasicOCSPResp basic, X509Certificate issuer, String subject, Instant now)
      throws CertificateException {
    try {
      X509CertificateHolder issuerHolder = new JcaX509CertificateHolder(issuer);
      if (signedBy(basic, issuerHolder)) {
        return;
      }
      for (X509CertificateHolder responder : basic.getCerts()) {
        if (responder.getIssuer().equals(issuerHolder.getSubject())
            && responder.isSignatureValid(verifier(issuerHolder))
            && responder.isValidOn(Date.from(now))
            && responder.getExtensions() != null
            && ocspSigning(responder)
            && signedBy(basic, responder)) {
          return;
        }
      }
    } catch (CertificateException e) {
      throw e;
    } catch (Exception e) {
      throw new CertificateException(
          "the stapled OCSP response for " + subject + " could not be checked: " + e, e);
    }
    throw new CertificateException(
        "the stapled OCSP response for "
            + subject
            + " is not signed by its issuer "
            + issuer.getSubjectX500Principal().getName()
            + " nor by a responder the issuer authorized for OCSP signing");
  }

  private static boolean ocspSigning(X509CertificateHolder responder) {
    org.bouncycastle.asn1.x509.ExtendedKeyUsage usage =
        org.bouncycastle.asn1.x509.ExtendedKeyUsage.fromExtensions(responder.getExtensions());
    return usage != null && usage.hasKeyPurposeId(KeyPurposeId.id_kp_OCSPSigning);
  }

  /** Whether {@code signer}'s key made the signature: false for a key of another type too. */
  private static boolean signedBy(BasicOCSPResp basic, X509CertificateHolder signer) {
    try {
      return basic.isSignatureValid(verifier(signer));
    } catch (OCSPException | OperatorCreationException | CertificateException e) {
      return false;
    }
  }

  private static org.bouncycastle.operator.ContentVerifierProvider verifier(
      X509CertificateHolder signer) throws OperatorCreationException, CertificateException {
    return new JcaContentVerifierProviderBuilder().build(signer);
  }

  private static SingleResp about(
      BasicOCSPResp basic, X509Certificate certificate, X509Certificate issuer)
      throws CertificateException {
    try {
      X509CertificateHolder issuerHolder = new JcaX509CertificateHolder(issuer);
      var digests = new JcaDigestCalculatorProviderBuilder().build();
      for (SingleResp single : basic.getResponses()) {
        CertificateID id = single.getCertID();
        if (id.getSerialNumber().equals(certificate.getSerialNumber())
            && id.matchesIssuer(issuerHolder, digests)) {
          return single;
        }
      }
      return null;
    } catch (OperatorCreationException | OCSPException e) {
      throw new CertificateException("the stapled OCSP response could not be read: " + e, e);
    }
  }

  private BasicOCSPResp basic() {
    if (parsed == null || parsed.getStatus() != OCSPResp.SUCCESSFUL) {
      return null;
    }
    try {
      return parsed.getResponseObject() instanceof BasicOCSPResp b ? b : null;
    } catch (OCSPException e) {
      return null;
    }
  }

  private SingleResp first() {
    BasicOCSPResp basic = basic();
    if (basic == null || basic.getResponses().length == 0) {
      return null;
    }
    return basic.getResponses()[0];
  }

  private static X500Principal responderName(BasicOCSPResp basic) {
    try {
      var name = basic.getResponderId().toASN1Primitive().getName();
      return name == null ? null : new X500Principal(name.getEncoded());
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static String statusName(Object status) {
    if (status == CertificateStatus.GOOD) {
      return "good";
    }
    return status instanceof RevokedStatus ? "revoked" : "unknown";
  }

  private static String reasonName(int reason) {
    List<String> names =
        List.of(
            "unspecified",
            "keyCompromise",
            "cACompromise",
            "affiliationChanged",
            "superseded",
            "cessationOfOperation",
            "certificateHold",
            "unused",
            "removeFromCRL",
            "privilegeWithdrawn",
            "aACompromise");
    return reason >= 0 && reason < names.size()
        ? names.get(reason)
        : CRLReason.lookup(reason).toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OcspResponse other && Arrays.equals(der, other.der);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(der);
  }

  @Override
  public String toString() {
    return "OCSP response ("
        + der.length
        + " bytes, "
        + responseStatus()
        + (certStatus() == null ? "" : ", " + certStatus())
        + ", sha256 "
        + HexFormat.of().formatHex(sha256()).substring(0, 16)
        + ")";
  }

  private byte[] sha256() {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(der);
    } catch (java.security.NoSuchAlgorithmException e) {
      return new byte[8];
    }
  }
}
