package io.niotls.cli.client;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/**
 * The certificates a server sent, printed the way {@code openssl s_client -showcerts} prints them:
 * for each, leaf first, its position with {@code s:} and its subject, then {@code i:} and its
 * issuer, then the certificate as PEM. Names are RFC 2253 strings, as in the client's summary. Pure
 * formatting, thread-safe.
 */
public final class CertificateChain {
  private static final Base64.Encoder PEM =
      Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

  private CertificateChain() {}

  /**
   * The chain as text, ended by a newline; for an empty chain, one line saying none was sent.
   *
   * @param chain the peer's certificates in the order sent, leaf first
   */
  public static String format(List<X509Certificate> chain) {
    if (chain.isEmpty()) {
      return "certificate chain: the server sent no certificate\n";
    }
    StringBuilder text =
        new StringBuilder("certificate chain (")
            .append(chain.size())
            .append(chain.size() == 1 ? " certificate" : " certificates")
            .append(" sent by the server, leaf first)\n");
    for (int i = 0; i < chain.size(); i++) {
      X509Certificate certificate = chain.get(i);
      text.append(' ')
          .append(i)
          .append(" s:")
          .append(certificate.getSubjectX500Principal().getName())
          .append('\n')
          .append("   i:")
          .append(certificate.getIssuerX500Principal().getName())
          .append('\n')
          .append(pem(certificate));
    }
    return text.toString();
  }

  /** Prints {@link #format} to {@code out} and flushes it. */
  public static void print(PrintStream out, List<X509Certificate> chain) {
    out.print(format(chain));
    out.flush();
  }

  /** {@code -----BEGIN CERTIFICATE-----}, the DER in base64 lines of 64, the END line. */
  static String pem(X509Certificate certificate) {
    byte[] der;
    try {
      der = certificate.getEncoded();
    } catch (CertificateEncodingException e) {
      // a certificate that came off the wire has an encoding: it was decoded from one
      throw new IllegalStateException("cannot encode " + certificate.getSubjectX500Principal(), e);
    }
    return "-----BEGIN CERTIFICATE-----\n"
        + PEM.encodeToString(der)
        + "\n-----END CERTIFICATE-----\n";
  }
}
