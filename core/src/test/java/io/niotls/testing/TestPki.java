package io.niotls.testing;

import io.niotls.context.CertificateGenerator;
import io.niotls.context.CertificateGenerator.KeyType;
import io.niotls.context.GeneratedCertificate;
import java.util.EnumMap;
import java.util.Map;

/**
 * Throwaway certificates made at test time, one set per key type, cached for the JVM: a CA, a
 * server leaf for localhost / 127.0.0.1 / ::1, a server leaf for another name, a client leaf, and a
 * self-signed stranger no one trusts.
 */
public final class TestPki {
  private static final Map<KeyType, TestPki> CACHE = new EnumMap<>(KeyType.class);

  private final GeneratedCertificate ca;
  private final GeneratedCertificate server;
  private final GeneratedCertificate otherServer;
  private final GeneratedCertificate client;
  private final GeneratedCertificate stranger;

  private TestPki(KeyType type) {
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
}
