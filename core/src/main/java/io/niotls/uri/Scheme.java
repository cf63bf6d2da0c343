package io.niotls.uri;

import java.util.List;

/**
 * The scheme of a {@link TransportUri}: plain TCP, or TLS with the protocol versions it allows.
 * {@code tls} and {@code ssl} are synonyms for modern TLS; older protocols have no scheme here.
 */
public enum Scheme {
  TCP("tcp"),
  TLS("tls", "TLSv1.3", "TLSv1.2"),
  SSL("ssl", "TLSv1.3", "TLSv1.2"),
  TLSV1_2("tlsv1.2", "TLSv1.2"),
  TLSV1_3("tlsv1.3", "TLSv1.3");

  private final String text;
  private final List<String> protocols;

  Scheme(String text, String... protocols) {
    this.text = text;
    this.protocols = List.of(protocols);
  }

  /** The scheme as written before {@code ://}, lowercase: {@code "tlsv1.2"}. */
  public String text() {
    return text;
  }

  /** Whether connections under this scheme speak TLS. */
  public boolean isTls() {
    return !protocols.isEmpty();
  }

  /**
   * The JSSE protocol names this scheme allows, newest first: {@code ["TLSv1.3", "TLSv1.2"]} for
   * {@code tls} and {@code ssl} (both mean modern TLS), exactly one version for {@code tlsv1.2} and
   * {@code tlsv1.3}, and an empty list for {@code tcp}. The list is immutable.
   */
  public List<String> protocols() {
    return protocols;
  }
}
