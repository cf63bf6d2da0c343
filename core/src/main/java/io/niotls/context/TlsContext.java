package io.niotls.context;

import io.niotls.buffer.BufferPool;
import io.niotls.wire.TlsRecords;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * Everything a TLS connection needs that is not the connection itself: role, protocols, provider,
 * key material, trust, host name verification, SNI, ALPN, client auth, resumption, timeouts. Built
 * once by {@link #forClient()} or {@link #forServer(KeyMaterial)}, immutable and thread-safe, and
 * shared by every engine made from it (which also share its session cache and buffer pool).
 *
 * <p>Secure by default: TLS 1.3 and 1.2 only, AEAD suites with forward secrecy only, clients verify
 * the peer's chain and host name, renegotiation refused (by the engine).
 */
public final class TlsContext {
  /** TLS 1.3 and 1.2 suites with forward secrecy and AEAD: no CBC, no static RSA. */
  static final List<String> DEFAULT_CIPHER_SUITES =
      List.of(
          "TLS_AES_128_GCM_SHA256",
          "TLS_AES_256_GCM_SHA384",
          "TLS_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private final boolean client;
  private final List<String> protocols;
  private final List<String> cipherSuites;
  private final KeyMaterial keyMaterial;
  private final boolean hostnameVerification;
  private final String serverName;
  private final List<String> alpn;
  private final boolean requireAlpn;
  private final List<String> sniNames;
  private final ClientAuth clientAuth;
  private final boolean sessionResumption;
  private final Duration handshakeTimeout;
  private final DelegatedTasks delegatedTasks;
  private final Provider provider;
  private final String providerNote;
  private final EngineFactory engines;
  private final BufferPool bufferPool;

  private TlsContext(Builder b) {
    client = b.client;
    protocols = List.copyOf(b.protocols);
    cipherSuites = List.copyOf(b.cipherSuites);
    keyMaterial = b.keyMaterial;
    hostnameVerification = b.hostnameVerification && b.trust.validateChain();
    serverName = b.serverName;
    alpn = List.copyOf(b.alpn);
    requireAlpn = b.requireAlpn;
    sniNames = List.copyOf(b.sniNames);
    clientAuth = b.clientAuth;
    sessionResumption = b.sessionResumption;
    handshakeTimeout = b.handshakeTimeout;
    delegatedTasks = b.delegatedTasks;
    String unavailable = b.provider == Provider.JDK ? null : openSslUnavailability();
    if (b.provider == Provider.OPENSSL && unavailable != null) {
      throw new TlsConfigException(
          "the OPENSSL provider was asked for, but "
              + unavailable
              + "; add io.netty:netty-tcnative-boringssl-static for this platform or use JDK");
    }
    if (b.provider == Provider.JDK || unavailable != null) {
      provider = Provider.JDK;
      providerNote =
          b.provider == Provider.JDK
              ? "JDK (as asked)"
              : "JDK (OpenSSL unavailable: " + unavailable + ")";
      engines = new JdkEngineFactory(this, b.trust);
    } else {
      provider = Provider.OPENSSL;
      providerNote =
          b.provider == Provider.OPENSSL
              ? "OpenSSL/BoringSSL (as asked)"
              : "OpenSSL/BoringSSL (auto)";
      engines = new OpenSslEngineFactory(this, b.trust);
    }
    int bufferSize;
    try {
      bufferSize = bufferSize();
    } catch (IllegalArgumentException e) {
      throw new TlsConfigException(
          "the "
              + provider
              + " provider refused these settings ("
              + e.getMessage()
              + "): check the cipher suite and protocol names",
          e);
    }
    bufferPool = new BufferPool(bufferSize, provider == Provider.OPENSSL, b.maxPooledBuffers);
  }

  /** A client context: verifies servers against the system trust store unless told otherwise. */
  public static Builder forClient() {
    return new Builder(true, null);
  }

  /** A server context presenting {@code keyMaterial}. */
  public static Builder forServer(KeyMaterial keyMaterial) {
    return new Builder(false, Objects.requireNonNull(keyMaterial, "keyMaterial"));
  }

  private static String openSslUnavailability() {
    try {
      Class.forName("io.netty.handler.ssl.OpenSsl", false, TlsContext.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return "netty-handler is not on the class path";
    }
    try {
      return OpenSslEngineFactory.unavailability();
    } catch (LinkageError e) {
      return "netty-tcnative is not usable: " + e;
    }
  }

  private int bufferSize() {
    SSLEngine probe = engines.newEngine(null, -1);
    try {
      int packet = probe.getSession().getPacketBufferSize();
      int app = probe.getSession().getApplicationBufferSize();
      return Math.max(TlsRecords.MAX_RECORD, Math.max(packet, app));
    } finally {
      engines.release(probe);
    }
  }

  /** A configured SSLEngine for one connection. Low level: {@code TlsEngine} calls this. */
  public SSLEngine newSslEngine(String peerHost, int peerPort) {
    // A client that names its server checks that name and only that name. Both providers' host
    // name checks (SunJSSE's trust manager, which Netty's engine calls too) try the SNI name and,
    // when it does not match, quietly fall back to the engine's peer host: so the peer host is
    // the name as well. It also keys the session cache, so a session verified for one name is
    // never resumed for another.
    String identity = client && serverName != null ? serverName : peerHost;
    // Both client session caches (SunJSSE's and netty-tcnative's) key sessions by host and port
    // and keep none for port -1. Invalidating the session after the handshake is not enough: a
    // TLS 1.3 NewSessionTicket read later puts a fresh, resumable one in the cache. The host
    // stays, for SNI and host name verification.
    boolean uncached = client && !sessionResumption && identity != null;
    return engines.newEngine(identity, uncached ? -1 : peerPort);
  }

  /** The provider's engine maker, for tests of what it keeps. */
  EngineFactory engineFactory() {
    return engines;
  }

  /** Frees what {@link #newSslEngine} made. */
  public void releaseSslEngine(SSLEngine engine) {
    engines.release(engine);
  }

  /** Whether the engine's finished handshake resumed a session (asked once, at its end). */
  public boolean wasResumed(SSLEngine engine) {
    return engines.wasResumed(engine);
  }

  /** The SNI host name a client sent to this server engine, or null (asked once, at its end). */
  public String requestedServerName(SSLEngine engine) {
    return engines.requestedServerName(engine);
  }

  /** The SNI name a client sends for {@code host}: the override, else the host unless an IP. */
  public String serverNameFor(String host) {
    if (serverName != null) {
      return serverName;
    }
    return host == null || HostNames.isIpLiteral(host) ? null : host;
  }

  void configure(SSLParameters parameters, String host) {
    parameters.setProtocols(protocols.toArray(new String[0]));
    parameters.setCipherSuites(cipherSuites.toArray(new String[0]));
    configureConnection(parameters, host);
  }

  /**
   * The settings of one connection alone, for an engine whose protocols and suites are already the
   * context's: the SNI name and host name verification of a client, the suite order and SNI
   * matchers of a server.
   */
  void configureConnection(SSLParameters parameters, String host) {
    if (client) {
      String sni = serverNameFor(host);
      if (sni != null) {
        parameters.setServerNames(List.of(new SNIHostName(sni)));
      }
      if (hostnameVerification) {
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
      }
    } else {
      parameters.setUseCipherSuitesOrder(true);
      if (!sniNames.isEmpty()) {
        // SunJSSE and Netty's BoringSSL engine both consult these matchers for a client's SNI
        // name and answer a name none of them matches with a fatal unrecognized_name alert
        parameters.setSNIMatchers(List.of(ServerNames.matcher(sniNames)));
      }
    }
  }

  public boolean isClient() {
    return client;
  }

  /** The provider in use: JDK or OPENSSL, never AUTO. */
  public Provider provider() {
    return provider;
  }

  /** Which provider was chosen and, when AUTO fell back to the JDK, why. */
  public String providerNote() {
    return providerNote;
  }

  public List<String> protocols() {
    return protocols;
  }

  public List<String> cipherSuites() {
    return cipherSuites;
  }

  /** Our certificate and key; null for a client without one. */
  public KeyMaterial keyMaterial() {
    return keyMaterial;
  }

  public boolean hostnameVerification() {
    return hostnameVerification;
  }

  public List<String> alpn() {
    return alpn;
  }

  /**
   * Server: whether a client must share one of the {@link #alpn()} protocols, else its handshake is
   * refused with {@code no_application_protocol}.
   */
  public boolean requireAlpn() {
    return requireAlpn;
  }

  /**
   * Server, strict SNI: the names (and {@code *.domain} wildcards) a client may ask for; a client
   * asking for another gets {@code unrecognized_name}. Empty when not strict: any name, or none,
   * gets our certificate.
   */
  public List<String> sniNames() {
    return sniNames;
  }

  public ClientAuth clientAuth() {
    return clientAuth;
  }

  public boolean sessionResumption() {
    return sessionResumption;
  }

  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  public DelegatedTasks delegatedTasks() {
    return delegatedTasks;
  }

  /** The network buffers of every engine made from this context. */
  public BufferPool bufferPool() {
    return bufferPool;
  }

  @Override
  public String toString() {
    return (client ? "client " : "server ")
        + providerNote
        + " "
        + protocols
        + (alpn.isEmpty() ? "" : " alpn=" + alpn + (requireAlpn ? " (required)" : ""))
        + (sniNames.isEmpty() ? "" : " sniStrict=" + sniNames)
        + (client ? "" : " clientAuth=" + clientAuth);
  }

  private enum TrustMode {
    CHAIN,
    PINS_ONLY,
    TRUST_ALL
  }

  /** Fluent settings for a {@link TlsContext}. Not thread-safe; build once, share the result. */
  public static final class Builder {
    private final boolean client;
    private KeyMaterial keyMaterial;
    private List<String> protocols = List.of("TLSv1.3", "TLSv1.2");
    private List<String> cipherSuites = DEFAULT_CIPHER_SUITES;
    private Provider provider = Provider.AUTO;
    private KeyStore trustStore;
    private TrustMode trustMode = TrustMode.CHAIN;
    private final List<Fingerprint> pins = new ArrayList<>();
    private boolean hostnameVerification = true;
    private String serverName;
    private List<String> alpn = List.of();
    private boolean requireAlpn;
    private List<String> sniNames = List.of();
    private ClientAuth clientAuth = ClientAuth.NONE;
    private boolean sessionResumption = true;
    private Duration handshakeTimeout = Duration.ofSeconds(10);
    private DelegatedTasks delegatedTasks = DelegatedTasks.INLINE;
    private int maxPooledBuffers = 1024;
    private VerifyingTrustManager.Spec trust;

    private Builder(boolean client, KeyMaterial keyMaterial) {
      this.client = client;
      this.keyMaterial = keyMaterial;
    }

    /**
     * The protocol versions to speak: TLSv1.3 and/or TLSv1.2. Older ones are refused: they are
     * insecure and unsupported.
     */
    public Builder protocols(String... versions) {
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

    public Builder provider(Provider provider) {
      this.provider = Objects.requireNonNull(provider);
      return this;
    }

    /** Replaces the default suites (Java/IANA names, TLS 1.3 and 1.2). */
    public Builder cipherSuites(String... suites) {
      if (suites.length == 0) {
        throw new TlsConfigException("give at least one cipher suite");
      }
      cipherSuites = List.copyOf(Arrays.asList(suites));
      return this;
    }

    /** Our certificate: the server's, or a client's for mutual TLS. */
    public Builder keyMaterial(KeyMaterial keyMaterial) {
      this.keyMaterial = Objects.requireNonNull(keyMaterial);
      return this;
    }

    /** Trust the JDK's default (system) CA store. The default. */
    public Builder trustSystem() {
      trustStore = null;
      trustMode = TrustMode.CHAIN;
      return this;
    }

    /** Trust the CA certificates of a PEM bundle instead of the system store. */
    public Builder trustPem(Path bundle) {
      return trustCertificates(Pem.readCertificates(bundle));
    }

    /** Trust the certificates in a PKCS#12 or JKS keystore. */
    public Builder trustKeyStore(Path keyStore, char[] password) {
      trustStore = Pem.loadKeyStore(keyStore, password);
      trustMode = TrustMode.CHAIN;
      return this;
    }

    public Builder trustCertificates(List<X509Certificate> anchors) {
      trustStore = Pem.trustStore(anchors);
      trustMode = TrustMode.CHAIN;
      return this;
    }

    /**
     * Also require the peer's certificate to match one of these SHA-256 or SHA-1 fingerprints,
     * checked in addition to chain validation (see {@link #pinsReplaceChainValidation()}).
     */
    public Builder pin(String... fingerprints) {
      for (String fingerprint : fingerprints) {
        pins.add(Fingerprint.parse(fingerprint));
      }
      return this;
    }

    /**
     * Trust a peer by its pinned fingerprint alone, without chain or host name validation: for
     * self-signed peers known in advance. Needs at least one {@link #pin}.
     */
    public Builder pinsReplaceChainValidation() {
      trustMode = TrustMode.PINS_ONLY;
      return this;
    }

    /** Trusts any certificate, no checks at all. For tests and demos only; never in production. */
    public Builder insecureTrustAll() {
      trustMode = TrustMode.TRUST_ALL;
      pins.clear();
      return this;
    }

    /** Client host name verification (HTTPS rules, IP SANs too). On by default. */
    public Builder hostnameVerification(boolean enabled) {
      hostnameVerification = enabled;
      return this;
    }

    /** Sends this SNI name and verifies the certificate against it instead of the host. */
    public Builder serverName(String name) {
      serverName = Objects.requireNonNull(name);
      return this;
    }

    /**
     * ALPN protocols, most preferred first. A server picks the first of its own that the client
     * offers; when the client offers none of them the handshake goes on without ALPN (its {@code
     * applicationProtocol} is null), unless {@link #requireAlpn}.
     */
    public Builder alpn(String... protocols) {
      alpn = List.copyOf(Arrays.asList(protocols));
      return this;
    }

    /**
     * Server: a client whose ClientHello offers none of the {@link #alpn} protocols, or no ALPN
     * extension at all, is refused with a fatal {@code no_application_protocol} alert (RFC 7301
     * section 3.2 defines it for the first case; a server that requires ALPN has nothing to speak
     * with the second either). Off by default. Needs {@link #alpn}.
     */
    public Builder requireAlpn(boolean required) {
      requireAlpn = required;
      return this;
    }

    /**
     * Server, strict SNI: a client that asks for a server name (SNI) other than these is refused
     * with a fatal {@code unrecognized_name} alert, instead of getting our certificate anyway (the
     * default). Names are host names, case-insensitive; {@code *.example.com} matches one label.
     * With no names, the DNS names of our certificate's subject alternative names. A client that
     * sends no SNI (one that connects by IP address) is not refused.
     */
    public Builder sniStrict(String... knownNames) {
      if (knownNames.length > 0) {
        sniNames = ServerNames.check(knownNames);
      } else if (keyMaterial == null) {
        throw new TlsConfigException("sniStrict() is a server setting: give the names it serves");
      } else {
        sniNames = ServerNames.of(keyMaterial.certificate());
      }
      return this;
    }

    public Builder clientAuth(ClientAuth clientAuth) {
      if (client) {
        throw new TlsConfigException("clientAuth is a server setting; clients give keyMaterial");
      }
      this.clientAuth = Objects.requireNonNull(clientAuth);
      return this;
    }

    /** Session resumption (cache and tickets). On by default; off, a client never offers one. */
    public Builder sessionResumption(boolean enabled) {
      sessionResumption = enabled;
      return this;
    }

    /** How long a handshake may take, enforced by the event loop and the Netty adapter. */
    public Builder handshakeTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new TlsConfigException("the handshake timeout must be positive, got " + timeout);
      }
      handshakeTimeout = timeout;
      return this;
    }

    public Builder delegatedTasks(DelegatedTasks mode) {
      delegatedTasks = Objects.requireNonNull(mode);
      return this;
    }

    /** How many free network buffers the context keeps for reuse (default 1024). */
    public Builder maxPooledBuffers(int count) {
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
     * @throws TlsConfigException when settings contradict each other, or a server's certificate
     *     chain is not valid now (expired, or not yet valid: the message names the dates)
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
      trust = new VerifyingTrustManager.Spec(trustMode == TrustMode.CHAIN, trustStore, pins);
      return new TlsContext(this);
    }
  }
}
