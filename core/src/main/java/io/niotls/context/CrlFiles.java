package io.niotls.context;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.security.cert.CRL;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Reads certificate revocation lists (PEM or DER, as {@code openssl ca -gencrl} writes them). */
final class CrlFiles {
  private CrlFiles() {}

  /**
   * Every CRL in {@code file}.
   *
   * @throws TlsConfigException when the file is missing or unreadable, or holds no CRL
   */
  static List<X509CRL> read(Path file) {
    byte[] bytes = Pem.read(file, "CRL file");
    Collection<? extends CRL> crls;
    try {
      crls = CertificateFactory.getInstance("X.509").generateCRLs(new ByteArrayInputStream(bytes));
    } catch (CRLException | CertificateException | RuntimeException e) {
      throw new TlsConfigException(
          "CRL file "
              + file
              + " holds no readable CRL ("
              + e.getMessage()
              + "): expected -----BEGIN X509 CRL----- blocks or DER, as openssl ca -gencrl writes",
          e);
    }
    List<X509CRL> result = new ArrayList<>();
    for (CRL crl : crls) {
      result.add((X509CRL) crl);
    }
    if (result.isEmpty()) {
      throw new TlsConfigException(
          "CRL file " + file + " holds no CRL: expected -----BEGIN X509 CRL----- blocks or DER");
    }
    return result;
  }
}
