package io.niotls.testing;

import io.niotls.certs.CertificateGenerator;
import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.certs.GeneratedCertificate;
import java.util.EnumMap;
import java.util.Map;

/**
 * Throwaway certificates made at test time, one set per key type, cached for the JVM: a CA, a
 * server leaf for localhost / 127.0.0.1 / ::1, a server leaf for another name, a client leaf, a
 * self-signed stranger no one trusts, and a client leaf from an impostor CA that shares the CA's
 * name.
 */
public final class TestPki {
  private static final Map<KeyType, TestPki> CACHE = new EnumMap<>(KeyType.class);

  private final GeneratedCertificate ca;
  private final GeneratedCertificate server;
  private final GeneratedCertificate otherServer;
  private final GeneratedCertificate client;
  private final GeneratedCertificate stranger;
  private final KeyType type;
  private GeneratedCertificate impostorClient;

  private TestPki(KeyType type) {
    this.type = type;
    ca = CertificateGenerator.ca("niotls test CA " + type).keyType(type).generate();
    server =
        CertificateGenerator.leaf("localhost")
            .keyType(type)
            .subjectAltNames("localhost", "127.0.0.1", "::1")
            .issuer(ca)
            .generate();
    otherServer =
        CertificateGenerator.leaf("other.example")
            .keyType(type)
            .subjectAltNames("other.example")
            .issuer(ca)
            .generate();
    client = CertificateGenerator.leaf("niotls test client").keyType(type).issuer(ca).generate();
    stranger = CertificateGenerator.selfSigned(type, "localhost", "127.0.0.1");
  }

  public static synchronized TestPki of(KeyType type) {
    return CACHE.computeIfAbsent(type, TestPki::new);
  }

  public static TestPki ec() {
    return of(KeyType.EC_P256);
  }

  public GeneratedCertificate ca() {
    return ca;
  }

  public GeneratedCertificate server() {
    return server;
  }

  public GeneratedCertificate otherServer() {
    return otherServer;
  }

  public GeneratedCertificate client() {
    return client;
  }

  public GeneratedCertificate stranger() {
    return stranger;
  }

  /**
   * A client certificate issued by a CA with the same name as {@link #ca()} but another key: it
   * looks like ours to a client choosing a certificate by issuer name, and fails validation. Made
   * on first use.
   */
  public synchronized GeneratedCertificate impostorClient() {
    if (impostorClient == null) {
      GeneratedCertificate impostorCa =
          CertificateGenerator.ca("niotls test CA " + type).keyType(type).generate();
      impostorClient =
          CertificateGenerator.leaf("niotls test client")
              .keyType(type)
              .issuer(impostorCa)
              .generate();
    }
    return impostorClient;
  }
}
