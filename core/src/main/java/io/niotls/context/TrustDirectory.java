package io.niotls.context;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The CA certificates of a directory, as OpenSSL's {@code -CApath} takes it: a hashed directory
 * ({@code openssl rehash} or {@code c_rehash}: {@code 1a2b3c4d.0} links next to the PEM files they
 * point to) or a plain directory of PEM files. Every regular file (links followed) that holds a
 * certificate is read, each certificate once; files without one (CRLs, notes) are passed over.
 */
final class TrustDirectory {
  private TrustDirectory() {}

  /**
   * @throws TlsConfigException when {@code dir} is not a readable directory, a file in it that
   *     looks like PEM certificates does not parse, or it holds no certificate at all
   */
  static List<X509Certificate> read(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new TlsConfigException(
          "trust directory "
              + dir
              + (Files.exists(dir)
                  ? " is a file, not a directory: use trustPem"
                  : " does not exist"));
    }
    List<Path> files;
    try (Stream<Path> listing = Files.list(dir)) {
      files = listing.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new TlsConfigException(
          "cannot list trust directory " + dir + ": " + e + "; check its permissions", e);
    }
    Set<X509Certificate> certificates = new LinkedHashSet<>();
    for (Path file : files) {
      if (holdsCertificate(file)) {
        certificates.addAll(Pem.readCertificates(file));
      }
    }
    if (certificates.isEmpty()) {
      throw new TlsConfigException(
          "trust directory "
              + dir
              + " holds no certificate: expected PEM files (-----BEGIN CERTIFICATE-----)");
    }
    return new ArrayList<>(certificates);
  }

  private static boolean holdsCertificate(Path file) {
    byte[] bytes = Pem.read(file, "file in the trust directory");
    return new String(bytes, StandardCharsets.ISO_8859_1).contains("-----BEGIN CERTIFICATE-----");
  }
}
