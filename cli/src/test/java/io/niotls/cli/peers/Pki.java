package io.niotls.cli.peers;

import io.niotls.certs.CertificateGenerator;
import io.niotls.certs.GeneratedCertificate;
import java.nio.file.Path;

/**
 * A throwaway CA and one server certificate it signed, as PEM files every peer reads: {@code
 * ca.pem}, and the server's chain and unencrypted PKCS#8 key.
 *
 * @param ca the CA certificate, for --cacert, -CAfile, --x509cafile, --trust
 * @param cert the server's chain, leaf first
 * @param key the server's private key, PKCS#8
 * @param traditionalKey the same key as {@code EC PRIVATE KEY}, for GnuTLS: the JDK's PKCS#8
 *     encoding of an EC key leaves out the optional public key, and GnuTLS 3.7 refuses a key
 *     without it ("ASN1 parser: Element was not found")
 */
record Pki(Path ca, Path cert, Path key, Path traditionalKey) {
  /** The name every server certificate here carries; peers reach it through --resolve or SNI. */
  static final String NAME = "niotls.test";

  /** A CA and a server certificate for {@link #NAME}, localhost and 127.0.0.1, in {@code dir}. */
  static Pki create(Path dir) {
    return create(dir, NAME, "localhost", "127.0.0.1");
  }

  /** A CA and a server certificate valid for exactly {@code names}, in {@code dir}. */
  static Pki create(Path dir, String... names) {
    GeneratedCertificate ca = CertificateGenerator.ca("niotls peers CA").generate();
    GeneratedCertificate server =
        CertificateGenerator.leaf(names[0]).subjectAltNames(names).issuer(ca).generate();
    Pki pki =
        new Pki(
            dir.resolve("ca.pem"),
            dir.resolve("server.pem"),
            dir.resolve("server.key"),
            dir.resolve("server-ec.key"));
    ca.writeCertificatePem(pki.ca);
    server.writeCertificatePem(pki.cert);
    server.writePrivateKeyPem(pki.key);
    server.writeTraditionalPrivateKeyPem(pki.traditionalKey);
    return pki;
  }
}
