package io.niotls.context;

import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * Which key entry of a keystore to use: the only one, the one with an alias, or the one whose leaf
 * certificate has a SHA-1 or SHA-256 fingerprint. Immutable.
 */
public final class KeySelector {
  private static final KeySelector ANY = new KeySelector(null, null);

  private final String alias;
  private final Fingerprint fingerprint;

  private KeySelector(String alias, Fingerprint fingerprint) {
    this.alias = alias;
    this.fingerprint = fingerprint;
  }

  /** The keystore's only key entry; a keystore with several is an error that lists them. */
  public static KeySelector any() {
    return ANY;
  }

  /** The key entry with this alias (compared ignoring case, as JKS and PKCS#12 do). */
  public static KeySelector alias(String alias) {
    if (alias == null || alias.isBlank()) {
      throw new TlsConfigException("no key alias given: name the keystore entry to use");
    }
    return new KeySelector(alias, null);
  }

  /**
   * The key entry whose leaf certificate has this fingerprint.
   *
   * @param hexOrFingerprint anything {@link Fingerprint#parse} reads, SHA-1 or SHA-256
   * @throws TlsConfigException if it is not a fingerprint
   */
  public static KeySelector fingerprint(String hexOrFingerprint) {
    return fingerprint(Fingerprint.parse(hexOrFingerprint));
  }

  /** The key entry whose leaf certificate has this fingerprint. */
  public static KeySelector fingerprint(Fingerprint fingerprint) {
    return new KeySelector(null, Objects.requireNonNull(fingerprint, "fingerprint"));
  }

  boolean isAny() {
    return alias == null && fingerprint == null;
  }

  boolean matches(String entryAlias, X509Certificate leaf) {
    if (alias != null) {
      return alias.equalsIgnoreCase(entryAlias);
    }
    return fingerprint == null || fingerprint.matches(leaf);
  }

  /** {@code alias "server"}, {@code fingerprint sha256:...} or {@code the only key entry}. */
  @Override
  public String toString() {
    if (alias != null) {
      return "alias \"" + alias + "\"";
    }
    return fingerprint != null ? "fingerprint " + fingerprint : "the only key entry";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeySelector
        && Objects.equals(((KeySelector) o).alias, alias)
        && Objects.equals(((KeySelector) o).fingerprint, fingerprint);
  }

  @Override
  public int hashCode() {
    return Objects.hash(alias, fingerprint);
  }
}
