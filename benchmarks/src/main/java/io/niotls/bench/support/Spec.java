package io.niotls.bench.support;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;

/**
 * One benchmark configuration: the TLS every subject must do, so that a ratio compares the drivers
 * and nothing else.
 *
 * @param provider JDK, OPENSSL or BORINGSSL, never AUTO
 * @param protocol the only version offered by either side
 * @param key the server certificate's key
 * @param resumption whether clients keep sessions and offer them again; when false every handshake
 *     is a full one, checked at setup
 * @param cipher the record cipher
 */
public record Spec(
    Provider provider, String protocol, KeyType key, boolean resumption, Cipher cipher) {

  /** Full handshakes with an EC P-256 certificate and the default suites. */
  public static Spec full(Provider provider, String protocol) {
    return new Spec(provider, protocol, KeyType.EC_P256, false, Cipher.DEFAULT);
  }

  public Spec withKey(KeyType key) {
    return new Spec(provider, protocol, key, resumption, cipher);
  }

  public Spec withResumption(boolean resumption) {
    return new Spec(provider, protocol, key, resumption, cipher);
  }

  public Spec withCipher(Cipher cipher) {
    return new Spec(provider, protocol, key, resumption, cipher);
  }

  public Spec withProvider(Provider provider) {
    return new Spec(provider, protocol, key, resumption, cipher);
  }

  /**
   * The provider the SSLEngine-based peers (the raw SSLEngine loop, Netty's SslHandler) use: the
   * same, except that BORINGSSL has no SSLEngine, so its peers run Netty's engine over the same
   * BoringSSL (OPENSSL) — the comparison issue 13 asks for.
   */
  public Provider sslEngineProvider() {
    return provider == Provider.BORINGSSL ? Provider.OPENSSL : provider;
  }
}
