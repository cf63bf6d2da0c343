package io.niotls.bench.support;

import io.niotls.certs.CertificateGenerator.KeyType;
import java.util.List;

/** The record cipher a benchmark asks for, as a cipher-suite override on both sides. */
public enum Cipher {
  /** The contexts' default suite list (AES-128-GCM preferred). */
  DEFAULT,
  AES_GCM,
  CHACHA20;

  /** The suites to configure for {@code protocol} with a {@code key} certificate; null: default. */
  public List<String> suites(String protocol, KeyType key) {
    if (this == DEFAULT) {
      return null;
    }
    boolean aes = this == AES_GCM;
    if ("TLSv1.3".equals(protocol)) {
      return List.of(aes ? "TLS_AES_128_GCM_SHA256" : "TLS_CHACHA20_POLY1305_SHA256");
    }
    String auth = key == KeyType.RSA_2048 ? "RSA" : "ECDSA";
    return List.of(
        "TLS_ECDHE_"
            + auth
            + (aes ? "_WITH_AES_128_GCM_SHA256" : "_WITH_CHACHA20_POLY1305_SHA256"));
  }

  /** Whether the negotiated {@code suite} is this cipher (always true for DEFAULT). */
  public boolean matches(String suite) {
    return switch (this) {
      case DEFAULT -> true;
      case AES_GCM -> suite.contains("AES_128_GCM");
      case CHACHA20 -> suite.contains("CHACHA20");
    };
  }
}
