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
  record Spec(
      boolean validateChain,
      KeyStore trustStore,
      List<Fingerprint> pins,
      VerificationPolicy policy) {
    Spec(boolean validateChain, KeyStore trustStore, List<Fingerprint> pins) {
      this(validateChain, trustStore, pins, VerificationPolicy.DEFAULT);
    }

    /** These settings with {@code policy} instead. */
    Spec with(VerificationPolicy policy) {
      return new Spec(validateChain, trustStore, pins, policy);
    }

    VerifyingTrustManager build(Consumer<SSLEngine> onFullHandshake) {
      return new VerifyingTrustManager(
          validateChain ? chainValidator(trustStore, policy) : null,
          pins,
          onFullHandshake,
          policy,
          StapledResponses.SESSION);
    }

    private static X509ExtendedTrustManager chainValidator(
        KeyStore anchors, VerificationPolicy policy) {
      try {
        TrustManagerFactory factory =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (policy.crls().isEmpty()) {
          factory.init(anchors);
        } else {
          factory.init(Revocation.parameters(anchors, policy.crls()));
        }
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
  private final VerificationPolicy policy;
  private final StapledResponses stapled;
  private final Anchors anchors;

  VerifyingTrustManager(
      X509ExtendedTrustManager chain,
      List<Fingerprint> pins,
      Consumer<SSLEngine> onFullHandshake,
      VerificationPolicy policy,
      StapledResponses stapled) {
    this.chain = chain;
    this.pins = List.copyOf(pins);
    this.onFullHandshake = onFullHandshake;
    this.policy = policy;
    this.stapled = stapled;
    this.anchors = new Anchors(chain == null ? List.of() : List.of(chain.getAcceptedIssuers()));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] peer, String authType, SSLEngine engine)
      throws CertificateException {
    onFullHandshake.accept(engine);
    if (chain != null) {
      validate(peer, () -> chain.checkServerTrusted(peer, authType, engine));
    }
    checkPins(peer);
    checkStapled(peer, engine);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] peer, String authType, SSLEngine engine)
      throws CertificateException {
    if (chain != null) {
      validate(peer, () -> chain.checkClientTrusted(peer, authType, engine));
    }
    checkPins(peer);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] peer, String authType, Socket socket)
      throws CertificateException {
    if (chain != null) {
      validate(peer, () -> chain.checkServerTrusted(peer, authType, socket));
    }
    checkPins(peer);
    checkStapled(peer, null);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] peer, String authType, Socket socket)
      throws CertificateException {
    if (chain != null) {
      validate(peer, () -> chain.checkClientTrusted(peer, authType, socket));
    }
    checkPins(peer);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] peer, String authType)
      throws CertificateException {
    if (chain != null) {
      validate(peer, () -> chain.checkServerTrusted(peer, authType));
    }
    checkPins(peer);
    checkStapled(peer, null);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] peer, String authType)
      throws CertificateException {
    if (chain != null) {
      validate(peer, () -> chain.checkClientTrusted(peer, authType));
    }
    checkPins(peer);
  }

  /** One of the delegate's checks. */
  private interface Check {
    void run() throws CertificateException;
  }

  /**
   * The delegate's validation, then the policy's strengths and depth. A refusal by the CRLs is told
   * again in the policy's words: which certificate, and that a CRL revoked it.
   */
  private void validate(X509Certificate[] peer, Check delegate) throws CertificateException {
    try {
      delegate.run();
    } catch (CertificateException e) {
      CertificateException revocation = Revocation.explain(e);
      throw revocation != null ? revocation : e;
    }
    policy.checkChain(peer, anchors);
  }

  private void checkStapled(X509Certificate[] peer, SSLEngine engine) throws CertificateException {
    if (!policy.requireStapling()) {
      return;
    }
    byte[] response = engine == null ? null : stapled.of(engine);
    policy.checkStapled(
        peer,
        response == null ? null : OcspResponse.received(response),
        anchors,
        java.time.Instant.now());
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
