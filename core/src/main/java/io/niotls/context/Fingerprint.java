package io.niotls.context;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SHA-1 or SHA-256 digest of a certificate's DER encoding, as {@code openssl x509 -fingerprint}
 * prints it. Used to pick a key entry out of a keystore and to pin a peer's certificate.
 *
 * <p>Immutable and thread-safe. {@link #equals} and {@link #matches} compare digests in constant
 * time.
 */
public final class Fingerprint {

  /** The digest a fingerprint was computed with. */
  public enum Algorithm {
    SHA1("SHA-1", "sha1", 20),
    SHA256("SHA-256", "sha256", 32);

    private final String jcaName;
    private final String prefix;
    private final int length;

    Algorithm(String jcaName, String prefix, int length) {
      this.jcaName = jcaName;
      this.prefix = prefix;
      this.length = length;
    }

    byte[] digest(byte[] data) {
      try {
        return MessageDigest.getInstance(jcaName).digest(data);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(jcaName + " is missing from this JDK", e);
      }
    }
  }

  // "sha256:", "SHA-1:", and what openssl prints: "SHA256 Fingerprint=".
  private static final Pattern PREFIX =
      Pattern.compile("(?i)^\\s*sha-?(1|256)\\s*(?:fingerprint\\s*)?[:=]");
  private static final Pattern SEPARATORS = Pattern.compile("[\\s:]");
  private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]*");
  private static final int MAX_QUOTED = 120;

  private final Algorithm algorithm;
  private final byte[] digest;

  private Fingerprint(Algorithm algorithm, byte[] digest) {
    this.algorithm = algorithm;
    this.digest = digest;
  }

  /**
   * Reads a fingerprint written as hex digits in either case, with or without spaces or colons
   * between them, optionally prefixed with {@code sha256:} or {@code sha1:} (also {@code SHA-256:},
   * any case). 40 digits are a SHA-1, 64 a SHA-256; a prefix must agree with the length.
   *
   * @throws TlsConfigException if the text is not such a fingerprint; the message quotes it
   */
  public static Fingerprint parse(String text) {
    if (text == null) {
      throw new TlsConfigException(
          "no certificate fingerprint given: expected 40 (SHA-1) or 64 (SHA-256) hex digits");
    }
    String digits = text;
    Algorithm declared = null;
    Matcher prefix = PREFIX.matcher(text);
    if (prefix.find()) {
      declared = prefix.group(1).equals("1") ? Algorithm.SHA1 : Algorithm.SHA256;
      digits = text.substring(prefix.end());
    }
    digits = SEPARATORS.matcher(digits).replaceAll("");
    Algorithm byLength = null;
    for (Algorithm candidate : Algorithm.values()) {
      if (digits.length() == 2 * candidate.length) {
        byLength = candidate;
      }
    }
    if (byLength == null || !HEX.matcher(digits).matches()) {
      throw new TlsConfigException(
          "not a certificate fingerprint: "
              + quote(text)
              + "; expected 40 (SHA-1) or 64 (SHA-256) hex digits, optionally separated by"
              + " colons or spaces and prefixed with sha1: or sha256:");
    }
    if (declared != null && declared != byLength) {
      throw new TlsConfigException(
          "fingerprint "
              + quote(text)
              + " is marked "
              + declared.prefix
              + " but has "
              + digits.length()
              + " hex digits; expected 40 (SHA-1) or 64 (SHA-256) hex digits with a matching"
              + " prefix");
    }
    return new Fingerprint(byLength, HexFormat.of().parseHex(digits));
  }

  /** The SHA-256 fingerprint of {@code certificate}. */
  public static Fingerprint sha256(X509Certificate certificate) {
    return of(Algorithm.SHA256, certificate);
  }

  /** The SHA-1 fingerprint of {@code certificate}. */
  public static Fingerprint sha1(X509Certificate certificate) {
    return of(Algorithm.SHA1, certificate);
  }

  /** The fingerprint of {@code certificate}'s DER encoding under {@code algorithm}. */
  public static Fingerprint of(Algorithm algorithm, X509Certificate certificate) {
    Objects.requireNonNull(algorithm, "algorithm");
    return new Fingerprint(algorithm, algorithm.digest(encoded(certificate)));
  }

  /** Whether {@code certificate} has this fingerprint, computed with this {@link #algorithm()}. */
  public boolean matches(X509Certificate certificate) {
    return MessageDigest.isEqual(digest, algorithm.digest(encoded(certificate)));
  }

  public Algorithm algorithm() {
    return algorithm;
  }

  /** The digest as lowercase hex digits without separators. */
  public String hex() {
    return HexFormat.of().formatHex(digest);
  }

  /** {@code sha256:<hex>} or {@code sha1:<hex>}, which {@link #parse} reads back. */
  @Override
  public String toString() {
    return algorithm.prefix + ":" + hex();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Fingerprint
        && ((Fingerprint) o).algorithm == algorithm
        && MessageDigest.isEqual(((Fingerprint) o).digest, digest);
  }

  @Override
  public int hashCode() {
    return 31 * algorithm.hashCode() + Arrays.hashCode(digest);
  }

  private static byte[] encoded(X509Certificate certificate) {
    Objects.requireNonNull(certificate, "certificate");
    try {
      return certificate.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new TlsConfigException(
          "cannot encode the certificate " + certificate.getSubjectX500Principal(), e);
    }
  }

  private static String quote(String text) {
    String shown = text.length() > MAX_QUOTED ? text.substring(0, MAX_QUOTED) + "..." : text;
    return "\"" + shown + "\"";
  }
}
