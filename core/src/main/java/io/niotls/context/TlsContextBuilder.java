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
  SessionSettings sessions = new SessionSettings();
  Duration handshakeTimeout = Duration.ofSeconds(10);
  Duration closeTimeout = TlsContext.DEFAULT_CLOSE_TIMEOUT;
  DelegatedTasks delegatedTasks = DelegatedTasks.INLINE;
  int maxPooledBuffers = 1024;
  boolean datagrams;
  VerifyingTrustManager.Spec trust;
  OcspResponse ocspResponse; // a server's staple
  boolean requestOcspStapling;
  boolean requireOcspStapling;
  int verifyDepth = -1;
  SecurityLevel securityLevel = SecurityLevel.DEFAULT;
  List<java.security.cert.X509CRL> crls = List.of();

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
   * Trust the CA certificates of a directory instead of the system store: an OpenSSL hashed
   * directory ({@code openssl rehash}, {@code c_rehash}) or a plain directory of PEM files. Read
   * now, once; files without a certificate are passed over.
   */
  public TlsContextBuilder trustDirectory(Path directory) {
    return trustCertificates(TrustDirectory.read(directory));
  }

  /**
   * Also check the peer's certificate against these certificate revocation lists (PEM or DER): it
   * must be covered by a CRL of its issuer, and not be listed in it. The end entity only, like
   * OpenSSL's {@code -crl_check}; nothing is fetched. Read now; repeatable.
   */
  public TlsContextBuilder crl(Path... files) {
    List<java.security.cert.X509CRL> all = new ArrayList<>(crls);
    for (Path file : files) {
      all.addAll(CrlFiles.read(file));
    }
    crls = List.copyOf(all);
    return this;
  }

  /**
   * At most {@code depth} intermediate CA certificates between the peer's certificate and a trust
   * anchor (OpenSSL's {@code -verify_depth}: neither of those two counts). No limit by default.
   */
  public TlsContextBuilder verifyDepth(int depth) {
    if (depth < 0) {
      throw new TlsConfigException("verifyDepth counts intermediate CAs: 0 or more, got " + depth);
    }
    verifyDepth = depth;
    return this;
  }

  /**
   * The minimum strengths of the peer's keys and signatures, OpenSSL's security levels 0 to 5. The
   * default, 2, refuses RSA and DSA keys under 2048 bits, EC keys under 256 and SHA-1 signatures
   * anywhere in the chain but on the trust anchor itself; 1 allows RSA 1024 and SHA-1; 0 anything.
   */
  public TlsContextBuilder securityLevel(int level) {
    securityLevel = new SecurityLevel(level);
    return this;
  }

  /**
   * Server: staple this OCSP response (DER, as {@code openssl ocsp -respout} writes it) to every
   * handshake whose client asks (status_request). Read now: a context built again (a reload) reads
   * the file again. The OPENSSL and BORINGSSL providers only: SunJSSE cannot staple a given
   * response (it fetches its own), so a JDK context refuses it.
   */
  public TlsContextBuilder ocspResponse(Path file) {
    return ocspResponse(OcspResponse.read(file));
  }

  /** Server: staple this OCSP response; see {@link #ocspResponse(Path)}. */
  public TlsContextBuilder ocspResponse(OcspResponse response) {
    if (client) {
      throw new TlsConfigException(
          "ocspResponse is a server setting; a client asks with requestOcspStapling()");
    }
    ocspResponse = Objects.requireNonNull(response);
    return this;
  }

  /**
   * Client: ask the server for a stapled OCSP response (status_request). What it staples is in
   * {@code SessionInfo.ocspResponse()}; a handshake without one goes on, unlike with {@link
   * #requireOcspStapling()}. SunJSSE asks anyway unless {@code
   * jdk.tls.client.enableStatusRequestExtension} is false.
   */
  public TlsContextBuilder requestOcspStapling() {
    requestOcspStapling = true;
    return this;
  }

  /**
   * Client: ask for a stapled OCSP response and refuse a server that sends none, or one that does
   * not vouch for its certificate (signed by its issuer or the issuer's OCSP responder, about this
   * certificate, current, {@code good}). The refusal names the certificate and the reason.
   */
  public TlsContextBuilder requireOcspStapling() {
    requestOcspStapling = true;
    requireOcspStapling = true;
    return this;
  }

  /** Whether a client asks for a stapled OCSP response. */
  boolean requestsOcspStapling() {
    return client && requestOcspStapling;
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

  /**
   * Server: the session ticket keys a fleet shares, read from nginx-style 48-byte files (see {@link
   * TicketKeys}): the first file's key encrypts new tickets, every key decrypts, so servers given
   * the same files resume each other's sessions, and a rotation is seamless. Read now; a context
   * built again (a server's reload) reads them again. BORINGSSL and OPENSSL providers; the JDK's
   * cannot take ticket keys and its context is refused.
   *
   * @throws TlsConfigException for a missing, unreadable or malformed file, naming it
   */
  public TlsContextBuilder ticketKeys(Path... keyFiles) {
    return ticketKeys(TicketKeys.read(keyFiles));
  }

  /** Server: shared session ticket keys, as {@link #ticketKeys(Path...)}. */
  public TlsContextBuilder ticketKeys(TicketKeys keys) {
    sessions.ticketKeys = Objects.requireNonNull(keys, "keys");
    return this;
  }

  /**
   * Server: whether to issue session tickets (on by default, with a key of the context's own unless
   * {@link #ticketKeys}; Netty's engine, OPENSSL, issues TLS 1.2 tickets only with ticket keys).
   * Off, a BoringSSL server sends no NewSessionTicket, so TLS 1.3 clients cannot resume, and TLS
   * 1.2 clients resume by session ID from this server's cache only. BORINGSSL and OPENSSL
   * providers; the JDK's can only switch tickets off for the whole JVM and its context is refused.
   */
  public TlsContextBuilder sessionTickets(boolean enabled) {
    sessions.tickets = enabled;
    return this;
  }

  /**
   * How many sessions the context's cache keeps: a server's TLS 1.2 session IDs; a client's
   * sessions (for BORINGSSL, the servers it remembers sessions for). Every provider; by default the
   * provider's own.
   */
  public TlsContextBuilder sessionCacheSize(int sessions) {
    if (sessions < 1) {
      throw new TlsConfigException(
          "sessionCacheSize must be at least 1, got "
              + sessions
              + " (to resume nothing, sessionResumption(false) or sessionTickets(false))");
    }
    this.sessions.cacheSize = sessions;
    return this;
  }

  /**
   * How long a session may be resumed after its full handshake, in whole seconds (at least one); by
   * default the provider's own. Where it holds, as measured against {@code openssl s_client}: TLS
   * 1.2 sessions in a server's session-ID cache (every provider) and BoringSSL's TLS 1.2 tickets;
   * SunJSSE states it as its TLS 1.3 tickets' lifetime hint. Where it does not: a BoringSSL
   * server's TLS 1.3 tickets live BoringSSL's {@code psk_dhe_timeout} (two days), which
   * netty-tcnative does not expose, and this bounds only how long resumptions may renew one full
   * handshake; SunJSSE resumed its TLS 1.2 and 1.3 tickets after it. To end every resumption at
   * once, rotate the ticket keys.
   */
  public TlsContextBuilder sessionTimeout(Duration lifetime) {
    if (lifetime.toSeconds() < 1) {
      throw new TlsConfigException(
          "sessionTimeout must be at least one second (sessions are timed in seconds), got "
              + lifetime);
    }
    sessions.timeout = lifetime;
    return this;
  }

  /**
   * Appends the secrets of every connection to {@code file} as NSS key log lines ({@code
   * SSLKEYLOGFILE}'s format: {@code CLIENT_RANDOM} for TLS 1.2, the {@code *_TRAFFIC_SECRET_0} and
   * handshake secrets for TLS 1.3), so Wireshark can decrypt a capture. The file is created owner
   * read/write only (0600) when missing; lines are appended whole, from any thread. For debugging
   * only: the file decrypts every session it logs. BORINGSSL and OPENSSL providers; the JDK's
   * cannot export secrets and its context is refused.
   *
   * @throws TlsConfigException when the file cannot be created or appended to
   */
  public TlsContextBuilder keyLog(Path file) {
    sessions.keyLog = new KeyLogFile(file);
    sessions.keyLogName = "the key log file " + file;
    return this;
  }

  /**
   * Hands every NSS key log line (without its line end) to {@code lines}, as {@link #keyLog(Path)}:
   * called on the thread that runs the handshake, from many at once, and must not block or throw
   * (what it throws is dropped).
   */
  public TlsContextBuilder keyLog(java.util.function.Consumer<String> lines) {
    sessions.keyLog = Objects.requireNonNull(lines, "lines");
    sessions.keyLogName = "a key log";
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
    sessions.checkRole(client);
    if (ocspResponse != null && ocspResponse.unfitFor(keyMaterial.certificate()) != null) {
      throw new TlsConfigException(
          "the OCSP response cannot be stapled: "
              + ocspResponse.unfitFor(keyMaterial.certificate())
              + "; make one for this certificate with openssl ocsp ... -respout");
    }
    if (datagrams) {
      DatagramSettings.apply(this);
    }
    trust = new VerifyingTrustManager.Spec(trustMode == TrustMode.CHAIN, trustStore, pins);
    trust = trust.with(policy());
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
    c.sessions = sessions.copy();
    c.handshakeTimeout = handshakeTimeout;
    c.closeTimeout = closeTimeout;
    c.delegatedTasks = delegatedTasks;
    c.maxPooledBuffers = maxPooledBuffers;
    c.datagrams = datagrams;
    c.trust =
        new VerifyingTrustManager.Spec(
            trust.validateChain(), trust.trustStore(), List.copyOf(trust.pins()));
    c.ocspResponse = ocspResponse;
    c.requestOcspStapling = requestOcspStapling;
    c.requireOcspStapling = requireOcspStapling;
    c.verifyDepth = verifyDepth;
    c.securityLevel = securityLevel;
    c.crls = crls;
    c.trust = c.trust.with(trust.policy());
    return c;
  }

  /** The verification policy of these settings, checked against each other. */
  private VerificationPolicy policy() {
    if (!crls.isEmpty() && trustMode != TrustMode.CHAIN) {
      throw new TlsConfigException(
          "crl(...) checks revocation along a validated chain: it contradicts "
              + (trustMode == TrustMode.TRUST_ALL
                  ? "insecureTrustAll()"
                  : "pinsReplaceChainValidation()"));
    }
    if (requireOcspStapling && !client) {
      throw new TlsConfigException(
          "requireOcspStapling is a client setting; a server staples with ocspResponse(...)");
    }
    return new VerificationPolicy(verifyDepth, securityLevel, crls, requireOcspStapling);
  }

  private enum TrustMode {
    CHAIN,
    PINS_ONLY,
    TRUST_ALL
  }
}
