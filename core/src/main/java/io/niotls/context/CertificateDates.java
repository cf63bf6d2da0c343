package io.niotls.context;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Checks that a server's certificate chain is valid now, when its context is built: a server that
 * would present an expired certificate fails at start-up with the dates, not at every client's
 * handshake with an alert that names neither.
 */
final class CertificateDates {
  private CertificateDates() {}

  /**
   * @throws TlsConfigException naming the certificate and its dates when one in {@code chain} is
   *     not valid at {@code now}
   */
  static void requireValid(List<X509Certificate> chain, Instant now) {
    for (int i = 0; i < chain.size(); i++) {
      X509Certificate c = chain.get(i);
      Instant from = c.getNotBefore().toInstant();
      Instant until = c.getNotAfter().toInstant();
      String which =
          (i == 0 ? "the server certificate (" : "certificate #" + (i + 1) + " of the chain (")
              + KeyMaterial.subject(c)
              + ")";
      if (now.isAfter(until)) {
        throw new TlsConfigException(
            which
                + " expired on "
                + day(until)
                + " (valid from "
                + day(from)
                + " to "
                + day(until)
                + "): renew it; clients refuse an expired certificate");
      }
      if (now.isBefore(from)) {
        throw new TlsConfigException(
            which
                + " is not valid before "
                + day(from)
                + " (valid from "
                + day(from)
                + " to "
                + day(until)
                + "): check this machine's clock, or use a certificate that is valid now");
      }
    }
  }

  private static String day(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
