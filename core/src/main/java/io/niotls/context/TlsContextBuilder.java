package io.niotls.context;

import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Fluent settings for a {@link TlsContext}, from {@link TlsContext#forClient()} or {@link
 * TlsContext#forServer(KeyMaterial)}. Each setter checks what it can alone; {@link #build()} checks
 * the settings together. Not thread-safe; build once, share the result.
 */
public final class TlsContextBuilder {
  final boolean client;
  KeyMaterial keyMaterial;
  List<String> protocols = List.of("TLSv1.3", "TLSv1.2");
  List<String> cipherSuites = TlsContext.DEFAULT_CIPHER_SUITES;
  Provider provider = Provider.AUTO;
  KeyStore trustStore;
  TrustMode trustMode = TrustMode.CHAIN;
  final List<Fingerprint> pins = new ArrayList<>();
  boolean hostnameVerification = true;
  String serverName;
  List<String> alpn = List.of();
  boolean requireAlpn;
  List<String> sniNames = List.of();
  ClientAuth clientAuth = ClientAuth.NONE;
  boolean sessionResumption = true;
  Duration handshakeTimeout = Duration.ofSeconds(10);
  Duration closeTimeout = TlsContext.DEFAULT_CLOSE_TIMEOUT;
  DelegatedTasks delegatedTasks = DelegatedTasks.INLINE;
  int maxPooledBuffers = 1024;
  boolean datagrams;
  VerifyingTrustManager.Spec trust;

  TlsContextBuilder(boolean client, KeyMaterial keyMaterial) {
    this.client = client;
    this.keyMaterial = keyMaterial;
  }

  /**
   * The protocol versions to speak: TLSv1.3 and/or TLSv1.2. Older ones are refused: they are
   * insecure and unsupported.
   */
  public TlsContextBuilder protocols(String... versions) {
    if (versions.length == 0) {
      throw new TlsConfigException("give at least one protocol: TLSv1.3 or TLSv1.2");
    }
    List<String> chosen = new ArrayList<>();
    for (String version : versions) {
      chosen.add(Protocols.check(version));
    }
    protocols = List.copyOf(chosen);
    return this;
  }

  public TlsContextBuilder provider(Provider provider) {
    this.provider = Objects.requireNonNull(provider);
    return this;
  }

  /** Replaces the default suites (Java/IANA names, TLS 1.3 and 1.2). */
  public TlsContextBuilder cipherSuites(String... suites) {
    if (suites.length == 0) {
      throw new TlsConfigException("give at least one cipher suite");
    }
    cipherSuites = List.copyOf(Arrays.asList(suites));
    return this;
  }

  /** Our certificate: the server's, or a client's for mutual TLS. */
  public TlsContextBuilder keyMaterial(KeyMaterial keyMaterial) {
    this.keyMaterial = Objects.requireNonNull(keyMaterial);
    return this;
  }

  /** Trust the JDK's default (system) CA store. The default. */
  public TlsContextBuilder trustSystem() {
    trustStore = null;
    trustMode = TrustMode.CHAIN;
    return this;
  }

  /** Trust the CA certificates of a PEM bundle instead of the system store. */
  public TlsContextBuilder trustPem(Path bundle) {
    return trustCertificates(Pem.readCertificates(bundle));
  }

  /** Trust the certificates in a PKCS#12 or JKS keystore. */
  public TlsContextBuilder trustKeyStore(Path keyStore, char[] password) {
    trustStore = Pem.loadKeyStore(keyStore, password);
    trustMode = TrustMode.CHAIN;
    return this;
  }

  public TlsContextBuilder trustCertificates(List<X509Certificate> anchors) {
    trustStore = Pem.trustStore(anchors);
    trustMode = TrustMode.CHAIN;
    return this;
  }

  /**
   * Also require the peer's certificate to match one of these SHA-256 or SHA-1 fingerprints,
   * checked in addition to chain validation (see {@link #pinsReplaceChainValidation()}).
   */
  public TlsContextBuilder pin(String... fingerprints) {
    for (String fingerprint : fingerprints) {
      pins.add(Fingerprint.parse(fingerprint));
    }
    return this;
  }

  /**
   * Trust a peer by its pinned fingerprint alone, without chain or host name validation: for
   * self-signed peers known in advance. Needs at least one {@link #pin}.
   */
  public TlsContextBuilder pinsReplaceChainValidation() {
    trustMode = TrustMode.PINS_ONLY;
    return this;
  }

  /** Trusts any certificate, no checks at all. For tests and demos only; never in production. */
  public TlsContextBuilder insecureTrustAll() {
    trustMode = TrustMode.TRUST_ALL;
    pins.clear();
    return this;
  }

  /** Client host name verification (HTTPS rules, IP SANs too). On by default. */
  public TlsContextBuilder hostnameVerification(boolean enabled) {
    hostnameVerification = enabled;
    return this;
  }

  /** Sends this SNI name and verifies the certificate against it instead of the host. */
  public TlsContextBuilder serverName(String name) {
    serverName = Objects.requireNonNull(name);
    return this;
  }

  /**
   * ALPN protocols, most preferred first. A server picks the first of its own that the client
   * offers; when the client offers none of them the handshake goes on without ALPN (its {@code
   * applicationProtocol} is null), unless {@link #requireAlpn}.
   */
  public TlsContextBuilder alpn(String... protocols) {
    alpn = List.copyOf(Arrays.asList(protocols));
    return this;
  }

  /**
   * Server: a client whose ClientHello offers none of the {@link #alpn} protocols, or no ALPN
   * extension at all, is refused with a fatal {@code no_application_protocol} alert (RFC 7301
   * section 3.2 defines it for the first case; a server that requires ALPN has nothing to speak
   * with the second either). Off by default. Needs {@link #alpn}.
   */
  public TlsContextBuilder requireAlpn(boolean required) {
    requireAlpn = required;
    return this;
  }

  /**
   * Server, strict SNI: a client that asks for a server name (SNI) other than these is refused with
   * a fatal {@code unrecognized_name} alert, instead of getting our certificate anyway (the
   * default). Names are host names, case-insensitive; {@code *.example.com} matches one label. With
   * no names, the DNS names of our certificate's subject alternative names. A client that sends no
   * SNI (one that connects by IP address) is not refused.
   */
  public TlsContextBuilder sniStrict(String... knownNames) {
    if (knownNames.length > 0) {
      sniNames = ServerNames.check(knownNames);
    } else if (keyMaterial == null) {
      throw new TlsConfigException("sniStrict() is a server setting: give the names it serves");
    } else {
      sniNames = ServerNames.of(keyMaterial.certificate());
    }
    return this;
  }

  public TlsContextBuilder clientAuth(ClientAuth clientAuth) {
    if (client) {
      throw new TlsConfigException("clientAuth is a server setting; clients give keyMaterial");
    }
    this.clientAuth = Objects.requireNonNull(clientAuth);
    return this;
  }

  /** Session resumption (cache and tickets). On by default; off, a client never offers one. */
  public TlsContextBuilder sessionResumption(boolean enabled) {
    sessionResumption = enabled;
    return this;
  }

  /** How long a handshake may take, enforced by the event loop and the Netty adapter. */
  public TlsContextBuilder handshakeTimeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new TlsConfigException("the handshake timeout must be positive, got " + timeout);
    }
    handshakeTimeout = timeout;
    return this;
  }

  /**
   * How long a graceful close may take, in every home: the selector loop's wait for close_notify to
   * go out and for the peer's, {@code TlsChannel.close()}'s wait to send ours, and the Netty
   * adapter's close-notify timeouts (where {@code SslHandler}'s setters can change them per
   * handler). Default 3 s.
   */
  public TlsContextBuilder closeTimeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new TlsConfigException("the close timeout must be positive, got " + timeout);
    }
    closeTimeout = timeout;
    return this;
  }

  public TlsContextBuilder delegatedTasks(DelegatedTasks mode) {
    delegatedTasks = Objects.requireNonNull(mode);
    return this;
  }

  /**
   * Makes this a DTLS context, for datagrams ({@code dtls://}): DTLS 1.2 on the JDK provider, with
   * the default suites' TLS 1.2 members (DTLS has no TLS 1.3 suites). AUTO means JDK here; OPENSSL
   * and BORINGSSL are refused when the context is built, since netty-tcnative does not expose
   * BoringSSL's DTLS. Every other setting (key material, trust, pins, SNI, client auth, timeouts)
   * means what it means for TLS.
   */
  public TlsContextBuilder datagrams() {
    datagrams = true;
    return this;
  }

  /** How many free network buffers the context keeps for reuse (default 1024). */
  public TlsContextBuilder maxPooledBuffers(int count) {
    if (count < 2) {
      throw new TlsConfigException(
          "maxPooledBuffers must be at least 2 (an engine may hold two at once), got " + count);
    }
    maxPooledBuffers = count;
    return this;
  }

  /**
   * The context, immutable.
   *
   * @throws TlsConfigException when settings contradict each other, or a server's certificate chain
   *     is not valid now (expired, or not yet valid: the message names the dates)
   */
  public TlsContext build() {
    if (trustMode == TrustMode.PINS_ONLY && pins.isEmpty()) {
      throw new TlsConfigException(
          "pinsReplaceChainValidation() needs at least one pin(\"sha256:...\")");
    }
    if (requireAlpn && client) {
      throw new TlsConfigException(
          "requireAlpn is a server setting; a client sees the server's choice in its session");
    }
    if (requireAlpn && alpn.isEmpty()) {
      throw new TlsConfigException("requireAlpn(true) needs the protocols: alpn(\"h2\", ...)");
    }
    if (client && !sniNames.isEmpty()) {
      throw new TlsConfigException(
          "sniStrict is a server setting; a client sends one name: serverName(...)");
    }
    if (trustMode == TrustMode.TRUST_ALL && !pins.isEmpty()) {
      throw new TlsConfigException("insecureTrustAll() and pin(...) contradict each other");
    }
    if (!client && clientAuth != ClientAuth.NONE && trustMode == TrustMode.TRUST_ALL) {
      String mode = clientAuth.name().toLowerCase(Locale.ROOT);
      throw new TlsConfigException(
          "client auth " + mode + " with insecureTrustAll() would accept any client: give trust");
    }
    if (!client) {
      CertificateDates.requireValid(keyMaterial.chain(), java.time.Instant.now());
    }
    if (datagrams) {
      DatagramSettings.apply(this);
    }
    trust = new VerifyingTrustManager.Spec(trustMode == TrustMode.CHAIN, trustStore, pins);
    return new TlsContext(this);
  }

  /**
   * A copy of these settings as {@link #build()} left them, for what a context makes later from its
   * settings (the BORINGSSL provider's Netty engines): later changes to this builder do not reach
   * it.
   */
  TlsContextBuilder copy() {
    TlsContextBuilder c = new TlsContextBuilder(client, keyMaterial);
    c.protocols = protocols;
    c.cipherSuites = cipherSuites;
    c.provider = provider;
    c.trustStore = trustStore;
    c.trustMode = trustMode;
    c.pins.addAll(pins);
    c.hostnameVerification = hostnameVerification;
    c.serverName = serverName;
    c.alpn = alpn;
    c.requireAlpn = requireAlpn;
    c.sniNames = sniNames;
    c.clientAuth = clientAuth;
    c.sessionResumption = sessionResumption;
    c.handshakeTimeout = handshakeTimeout;
    c.closeTimeout = closeTimeout;
    c.delegatedTasks = delegatedTasks;
    c.maxPooledBuffers = maxPooledBuffers;
    c.datagrams = datagrams;
    c.trust =
        new VerifyingTrustManager.Spec(
            trust.validateChain(), trust.trustStore(), List.copyOf(trust.pins()));
    return c;
  }

  private enum TrustMode {
    CHAIN,
    PINS_ONLY,
    TRUST_ALL
  }
}
