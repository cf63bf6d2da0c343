package io.niotls.context;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Chain validation (with host name checks when the engine asks for them) by a delegate, then
 * certificate pinning. With no delegate the chain is not validated: only for explicit
 * insecureTrustAll() or pins that replace validation. Peers are only checked during full
 * handshakes, so each check also marks the engine as not resumed.
 */
final class VerifyingTrustManager extends X509ExtendedTrustManager {
  private static final X509Certificate[] NONE = new X509Certificate[0];

  /**
   * What to trust.
   *
   * @param validateChain false only for insecureTrustAll() or pins that replace validation
   * @param trustStore the anchors; null for the JDK's default (system) trust store
   * @param pins fingerprints one of which the peer's leaf certificate must match; empty for none
   */
  record Spec(boolean validateChain, KeyStore trustStore, List<Fingerprint> pins) {
    VerifyingTrustManager build(Consumer<SSLEngine> onFullHandshake) {
      return new VerifyingTrustManager(
          validateChain ? chainValidator(trustStore) : null, pins, onFullHandshake);
    }

    private static X509ExtendedTrustManager chainValidator(KeyStore anchors) {
      try {
        TrustManagerFactory factory =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(anchors);
        for (TrustManager manager : factory.getTrustManagers()) {
          if (manager instanceof X509ExtendedTrustManager x509) {
            return x509;
          }
        }
        throw new TlsConfigException("the JDK offers no X.509 trust manager");
      } catch (GeneralSecurityException e) {
        throw new TlsConfigException("the trust store could not be used: " + e.getMessage(), e);
      }
    }
  }

  private final X509ExtendedTrustManager chain;
  private final List<Fingerprint> pins;
  private final Consumer<SSLEngine> onFullHandshake;

  VerifyingTrustManager(
      X509ExtendedTrustManager chain, List<Fingerprint> pins, Consumer<SSLEngine> onFullHandshake) {
    this.chain = chain;
    this.pins = List.copyOf(pins);
    this.onFullHandshake = onFullHandshake;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] peer, String authType, SSLEngine engine)
      throws CertificateException {
    onFullHandshake.accept(engine);
    if (chain != null) {
      chain.checkServerTrusted(peer, authType, engine);
    }
    checkPins(peer);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] peer, String authType, SSLEngine engine)
      throws CertificateException {
    if (chain != null) {
      chain.checkClientTrusted(peer, authType, engine);
    }
    checkPins(peer);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] peer, String authType, Socket socket)
      throws CertificateException {
    if (chain != null) {
      chain.checkServerTrusted(peer, authType, socket);
    }
    checkPins(peer);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] peer, String authType, Socket socket)
      throws CertificateException {
    if (chain != null) {
      chain.checkClientTrusted(peer, authType, socket);
    }
    checkPins(peer);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] peer, String authType)
      throws CertificateException {
    if (chain != null) {
      chain.checkServerTrusted(peer, authType);
    }
    checkPins(peer);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] peer, String authType)
      throws CertificateException {
    if (chain != null) {
      chain.checkClientTrusted(peer, authType);
    }
    checkPins(peer);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return chain == null ? NONE : chain.getAcceptedIssuers();
  }

  private void checkPins(X509Certificate[] peer) throws CertificateException {
    if (pins.isEmpty()) {
      return;
    }
    if (peer == null || peer.length == 0) {
      throw new CertificateException("the peer sent no certificate, but pins are set");
    }
    for (Fingerprint pin : pins) {
      if (pin.matches(peer[0])) {
        return;
      }
    }
    throw new CertificateException(
        "the peer's certificate "
            + Fingerprint.sha256(peer[0])
            + " ("
            + peer[0].getSubjectX500Principal().getName()
            + ") is not pinned; pins: "
            + pins.stream().map(Fingerprint::toString).collect(Collectors.joining(", ")));
  }
}
