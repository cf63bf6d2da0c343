package io.niotls.context;

import io.niotls.buffer.BufferPool;
import io.niotls.wire.TlsRecords;
import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.List;
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
  private final boolean requestsOcspStapling;
  private final OcspResponse ocspResponse;
  private final boolean datagrams;

  /**
   * The close timeout of a context built without one, and of plaintext ({@code tcp://}) sessions,
   * which have no context.
   */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(3);

  private final Duration handshakeTimeout;
  private final Duration closeTimeout;
  private final DelegatedTasks delegatedTasks;
  private final Provider provider;
  private final String providerNote;
  private final EngineFactory engines; // JDK and OPENSSL
  private final BoringContext boring; // BORINGSSL
  private final TlsContextBuilder nettySettings; // BORINGSSL: a copy, for sslEngines()
  private volatile EngineFactory nettyEngines; // BORINGSSL: made by the first newSslEngine
  private final Cleaner.Cleanable nativeShare;
  private final BufferPool bufferPool;

  private static final Cleaner CLEANER = Cleaner.create();

  TlsContext(TlsContextBuilder b) {
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
    requestsOcspStapling = b.requestsOcspStapling();
    ocspResponse = b.client ? null : b.ocspResponse;
    datagrams = b.datagrams;
    handshakeTimeout = b.handshakeTimeout;
    closeTimeout = b.closeTimeout;
    delegatedTasks = b.delegatedTasks;
    // Chosen only now that every setting above is in place; the engine makers take the builder,
    // never this half-made context.
    String unavailable = b.provider == Provider.JDK ? null : openSslUnavailability();
    if ((b.provider == Provider.OPENSSL || b.provider == Provider.BORINGSSL)
        && unavailable != null) {
      throw new TlsConfigException(
          "the "
              + b.provider
              + " provider was asked for, but "
              + unavailable
              + "; add io.netty:netty-tcnative-boringssl-static for this platform or use JDK");
    }
    if (b.provider == Provider.JDK || unavailable != null) {
      provider = Provider.JDK;
      providerNote =
          b.provider == Provider.JDK
              ? "JDK (as asked)"
              : "JDK (OpenSSL unavailable: " + unavailable + ")";
    } else if (b.provider == Provider.OPENSSL) {
      provider = Provider.OPENSSL;
      providerNote = "OpenSSL/BoringSSL (as asked)";
    } else {
      provider = Provider.BORINGSSL;
      providerNote =
          b.provider == Provider.BORINGSSL
              ? "BoringSSL, driven directly (as asked)"
              : "BoringSSL, driven directly (auto)";
    }
    b.sessions.checkProvider(provider, providerNote);
    engines =
        switch (provider) {
          case JDK -> new JdkEngineFactory(b);
          case OPENSSL -> new OpenSslEngineFactory(b);
          default -> null;
        };
    boring = provider == Provider.BORINGSSL ? BoringContext.create(b) : null;
    nettySettings = provider == Provider.BORINGSSL ? b.copy() : null;
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
    bufferPool = new BufferPool(bufferSize, prefersDirectBuffers(), b.maxPooledBuffers);
    // The native context lives while this context is open or any engine made from it is: the
    // context's share is given back by close(), or once the context is unreachable.
    nativeShare = boring == null ? null : CLEANER.register(this, boring::releaseOwner);
  }

  /** A client context: verifies servers against the system trust store unless told otherwise. */
  public static TlsContextBuilder forClient() {
    return new TlsContextBuilder(true, null);
  }

  /** A server context presenting {@code keyMaterial}. */
  public static TlsContextBuilder forServer(KeyMaterial keyMaterial) {
    return new TlsContextBuilder(false, Objects.requireNonNull(keyMaterial, "keyMaterial"));
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
    if (engines == null) {
      // BoringSSL driven directly reads and writes any record the protocol allows
      return TlsRecords.MAX_RECORD;
    }
    SSLEngine probe = engines.newEngine(this, null, -1);
    try {
      int packet = probe.getSession().getPacketBufferSize();
      int app = probe.getSession().getApplicationBufferSize();
      return Math.max(TlsRecords.MAX_RECORD, Math.max(packet, app));
    } finally {
      engines.release(probe);
    }
  }

  /**
   * A configured SSLEngine for one connection. Low level: {@code TlsEngine} calls this for the JDK
   * and OPENSSL providers. For {@link Provider#BORINGSSL}, which drives BoringSSL without an
   * SSLEngine, it is an engine of Netty's OpenSSL provider with this context's settings (key
   * material, trust and pins, protocols, suites, ALPN, client auth, SNI), made for code that needs
   * an SSLEngine of its own, such as Netty's {@code SslHandler}: the same BoringSSL, through
   * Netty's engine, with a session cache of its own. Free it with {@link #releaseSslEngine}. Not
   * API: niotls's own modules reach it through {@link ProviderEngines}.
   */
  SSLEngine newSslEngine(String peerHost, int peerPort) {
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
    return sslEngines().newEngine(this, identity, uncached ? -1 : peerPort);
  }

  /**
   * Whether this context's engines work best on direct (native) buffers: true for the providers
   * that run BoringSSL, whose JNI reads and writes native memory; false for the JDK's engine, which
   * works on heap arrays. Code that allocates the buffers an engine reads into or writes from (the
   * network pool here, the Netty adapter's plaintext) asks this.
   */
  public boolean prefersDirectBuffers() {
    return provider != Provider.JDK;
  }

  /** The engine maker of {@link #newSslEngine}: the provider's, or Netty's for BORINGSSL. */
  private EngineFactory sslEngines() {
    if (engines != null) {
      return engines;
    }
    EngineFactory made = nettyEngines;
    if (made == null) {
      synchronized (this) {
        made = nettyEngines;
        if (made == null) {
          made = new OpenSslEngineFactory(nettySettings);
          nettyEngines = made;
        }
      }
    }
    return made;
  }

  /**
   * A BoringSSL connection object for one connection of the {@link Provider#BORINGSSL} provider.
   * Low level: {@code TlsEngine} calls this, and frees it with {@link NativeSsl#close()}.
   *
   * @throws IllegalStateException when the context was closed and no engine keeps it alive
   */
  public NativeSsl newNativeSsl(String peerHost, int peerPort) {
    if (boring == null) {
      throw new UnsupportedOperationException("only the BORINGSSL provider makes NativeSsl");
    }
    String identity = client && serverName != null ? serverName : peerHost;
    boolean uncached = client && !sessionResumption;
    return boring.open(identity, uncached ? -1 : peerPort, client ? serverNameFor(peerHost) : null);
  }

  /** The native context of the BORINGSSL provider, for tests of what it frees; else null. */
  BoringContext boringContext() {
    return boring;
  }

  /**
   * Gives back the context's share of its native state (the BORINGSSL provider's SSL_CTX): freed
   * once the last engine made from it is closed, so engines still open go on working. Engines
   * cannot be made after it. Idempotent; nothing to do for the JDK and OPENSSL providers. A context
   * that is never closed is freed once it is unreachable.
   */
  public void close() {
    if (nativeShare != null) {
      nativeShare.clean();
    }
  }

  /** The provider's engine maker, for tests of what it keeps. */
  EngineFactory engineFactory() {
    return engines;
  }

  /** Frees what {@link #newSslEngine} made. */
  void releaseSslEngine(SSLEngine engine) {
    sslEngines().release(engine);
  }

  /** Whether the engine's finished handshake resumed a session (asked once, at its end). */
  boolean wasResumed(SSLEngine engine) {
    return sslEngines().wasResumed(engine);
  }

  /** See {@link EngineFactory#heardAfterHandshake}. */
  void heardAfterHandshake(SSLEngine engine) {
    sslEngines().heardAfterHandshake(engine);
  }

  /** See {@link EngineFactory#releaseHeldTickets}. */
  ProviderEngines.HeldTickets releaseHeldTickets(SSLEngine engine) {
    return sslEngines().releaseHeldTickets(engine);
  }

  /** The SNI host name a client sent to this server engine, or null (asked once, at its end). */
  String requestedServerName(SSLEngine engine) {
    return sslEngines().requestedServerName(engine);
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

  /**
   * Whether this is a DTLS context ({@link TlsContextBuilder#datagrams()}): its engines speak DTLS
   * 1.2 over datagrams, for {@code dtls://}, and never TLS over a stream.
   */
  public boolean isDatagram() {
    return datagrams;
  }

  /** The provider in use: JDK, OPENSSL or BORINGSSL, never AUTO. */
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

  /**
   * Client: whether it asks servers for a stapled OCSP response ({@code requestOcspStapling()} or
   * {@code requireOcspStapling()}); what they staple is in each session's {@code ocspResponse()}.
   */
  public boolean requestsOcspStapling() {
    return requestsOcspStapling;
  }

  /** Server: the OCSP response it staples for clients that ask; null when none. */
  public OcspResponse ocspResponse() {
    return ocspResponse;
  }

  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  /**
   * How long a graceful close may take in every home; see {@link TlsContextBuilder#closeTimeout}.
   */
  public Duration closeTimeout() {
    return closeTimeout;
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
}
