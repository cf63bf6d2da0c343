package io.niotls.uri;

import java.util.List;

/**
 * The scheme of a {@link TransportUri}: plain TCP, or TLS with the protocol versions it allows, and
 * their datagram siblings: plain UDP, or DTLS 1.2. {@code tls} and {@code ssl} are synonyms for
 * modern TLS; older protocols (TLS 1.0/1.1, DTLS 1.0) have no scheme here.
 */
public enum Scheme {
  TCP("tcp"),
  TLS("tls", "TLSv1.3", "TLSv1.2"),
  SSL("ssl", "TLSv1.3", "TLSv1.2"),
  TLSV1_2("tlsv1.2", "TLSv1.2"),
  TLSV1_3("tlsv1.3", "TLSv1.3"),
  /** Plaintext datagrams. */
  UDP("udp"),
  /** DTLS over datagrams: DTLS 1.2, the one version niotls speaks there. */
  DTLS("dtls", "DTLSv1.2"),
  /** DTLS 1.2, pinned. */
  DTLSV1_2("dtlsv1.2", "DTLSv1.2");

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

  /** Whether connections under this scheme speak TLS (over datagrams: DTLS). */
  public boolean isTls() {
    return !protocols.isEmpty();
  }

  /**
   * Whether this scheme carries datagrams ({@code udp}, {@code dtls}, {@code dtlsv1.2}) rather than
   * a byte stream: the datagram loop's, not {@code TlsServer}'s and {@code TlsClient}'s.
   */
  public boolean isDatagram() {
    return this == UDP || this == DTLS || this == DTLSV1_2;
  }

  /**
   * The JSSE protocol names this scheme allows, newest first: {@code ["TLSv1.3", "TLSv1.2"]} for
   * {@code tls} and {@code ssl} (both mean modern TLS), exactly one version for {@code tlsv1.2} and
   * {@code tlsv1.3}, {@code ["DTLSv1.2"]} for {@code dtls} and {@code dtlsv1.2}, and an empty list
   * for {@code tcp} and {@code udp}. The list is immutable.
   */
  public List<String> protocols() {
    return protocols;
  }
}
