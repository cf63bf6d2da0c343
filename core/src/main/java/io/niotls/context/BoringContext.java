package io.niotls.context;

import io.netty.handler.ssl.CipherSuiteConverter;
import io.netty.internal.tcnative.CertificateVerifier;
import io.netty.internal.tcnative.SSL;
import io.netty.internal.tcnative.SSLContext;
import io.netty.internal.tcnative.SSLSessionCache;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;

/**
 * The BORINGSSL provider's native context: one {@code SSL_CTX} (through netty-tcnative) with
 * everything a context sets once for all its connections: protocols, TLS 1.2 suites, key material
 * (parsed once, shared by reference), the trust callback (the same {@link VerifyingTrustManager} as
 * the other providers), ALPN, strict SNI, client auth and the session caches. Every {@link
 * NativeSsl} made from it holds a reference, and so does the {@link TlsContext} until it is closed
 * or unreachable: the {@code SSL_CTX} is freed when the last one is given back, never under a live
 * connection.
 *
 * <p>Holds nothing of the TlsContext: the callbacks it registers are global JNI references, and a
 * TlsContext they reached could never be collected.
 */
final class BoringContext {
  /**
   * The buffer each connection's BIO keeps for what BoringSSL writes while it reads (a handshake
   * flight, a KeyUpdate reply, an alert), allocated with the connection and held as long as it
   * lives: part of what every idle connection costs. The driver drains it into its pooled buffer
   * after every call, and what does not fit waits in BoringSSL for the next one (WANT_WRITE in
   * between, which the driver answers at once), so a small one costs a few more calls per flight,
   * not bytes. 256 rather than 512: an idle session costs 256 bytes less, and a TLS 1.3 EC flight
   * takes a few more calls (no slower per handshake in PairedHandshakeBenchmark). Netty's engine is
   * tuned the same way (OpenSslEngineFactory, 512).
   */
  static final int NON_APPLICATION_BIO_BYTES = 256;

  /** What a BoringSSL server's sessions are bound to (and Netty's, with shared ticket keys). */
  static final byte[] SESSION_ID_CONTEXT = "niotls".getBytes(StandardCharsets.US_ASCII);

  private final long ctx;
  private final boolean client;
  private final boolean hostnameVerification;
  private final VerifyingTrustManager trust;
  private final BoringSessions sessions; // a client's, when it resumes; else null
  private final byte[] ocspResponse; // a server's staple, set per connection with CALLER tasks
  private final boolean requestOcsp; // a client's status_request
  final PeerChains peerChains = new PeerChains(); // decoded once, met again by resumed handshakes
  private BoringKeys keys; // set once by configure(), before the context is shared
  // the connections the callbacks (trust check, a client's new sessions) look up by SSL*; a server
  // that asks for no client certificate has no such callback, and its connections stay out
  private final Map<Long, NativeSsl.Handle> live = new ConcurrentHashMap<>();
  private final boolean tracked;
  // the SNI names clients sent this server, one String each, so that each session does not keep a
  // copy of its own; bounded, since clients choose them
  private final Map<String, String> requestedNames = new ConcurrentHashMap<>();
  private static final int REQUESTED_NAMES = 256;
  private final AtomicInteger references = new AtomicInteger(1); // the TlsContext's
  private final AtomicBoolean ownerReleased = new AtomicBoolean();
  private final AtomicLong made = new AtomicLong();
  private final AtomicLong freed = new AtomicLong();
  private volatile boolean contextFreed;

  private BoringContext(long ctx, TlsContextBuilder b) {
    this.ctx = ctx;
    this.client = b.client;
    this.tracked = b.client || b.clientAuth != ClientAuth.NONE;
    this.hostnameVerification = b.hostnameVerification && b.trust.validateChain();
    this.trust = b.trust.build(engine -> {});
    this.sessions =
        b.client && b.sessionResumption
            ? new BoringSessions(
                b.sessions.cacheSize == null ? BoringSessions.MAX_SERVERS : b.sessions.cacheSize)
            : null;
    this.ocspResponse =
        b.client || b.ocspResponse == null || b.delegatedTasks != DelegatedTasks.CALLER
            ? null
            : b.ocspResponse.bytes();
    this.requestOcsp = b.requestsOcspStapling();
  }

  /** A native context for {@code b}'s settings; nothing native is left behind when it throws. */
  static BoringContext create(TlsContextBuilder b) {
    int protocols = 0;
    protocols |= b.protocols.contains("TLSv1.2") ? SSL.SSL_PROTOCOL_TLSV1_2 : 0;
    protocols |= b.protocols.contains("TLSv1.3") ? SSL.SSL_PROTOCOL_TLSV1_3 : 0;
    long ctx;
    try {
      ctx = SSLContext.make(protocols, b.client ? SSL.SSL_MODE_CLIENT : SSL.SSL_MODE_SERVER);
    } catch (Exception e) {
      throw new TlsConfigException("BoringSSL refused to make a context: " + e.getMessage(), e);
    }
    BoringContext context = null;
    try {
      context = new BoringContext(ctx, b);
      context.configure(b);
      return context;
    } catch (RuntimeException | Error e) {
      SSLContext.free(ctx);
      if (context != null && context.keys != null) {
        context.keys.free();
      }
      throw e;
    }
  }

  private void configure(TlsContextBuilder b) {
    if (!b.protocols.contains("TLSv1.3")) {
      SSLContext.setOptions(ctx, SSL.SSL_OP_NO_TLSv1_3);
    }
    SSLContext.setMode(
        ctx,
        SSLContext.getMode(ctx)
            | SSL.SSL_MODE_ENABLE_PARTIAL_WRITE
            | SSL.SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    setTls12Suites(b.cipherSuites);
    if (b.keyMaterial != null) {
      // a server picks TLS 1.2 suites in its own order, as the JDK and Netty's engine do (and as a
      // fleet mixing providers needs, to resume one another's sessions)
      SSLContext.setOptions(ctx, SSL.SSL_OP_CIPHER_SERVER_PREFERENCE);
      keys =
          BoringKeys.install(
              ctx,
              b.keyMaterial,
              b.delegatedTasks == DelegatedTasks.CALLER,
              b.client || b.ocspResponse == null ? null : b.ocspResponse.bytes());
    }
    // With CALLER tasks the trust check (and, through BoringKeys, the choice of our certificate)
    // become tasks BoringSSL hands out (WANT_TASK) instead of callbacks run inside its calls.
    SSLContext.setUseTasks(ctx, b.delegatedTasks == DelegatedTasks.CALLER);
    SSLContext.setCertVerifyCallback(ctx, new Verifier(this));
    int verify =
        client
            ? SSL.SSL_CVERIFY_REQUIRED
            : switch (b.clientAuth) {
              case REQUIRE -> SSL.SSL_CVERIFY_REQUIRED;
              case OPTIONAL -> SSL.SSL_CVERIFY_OPTIONAL;
              default -> SSL.SSL_CVERIFY_NONE;
            };
    SSLContext.setVerify(ctx, verify, 10);
    if (!b.alpn.isEmpty()) {
      // A server that shares no protocol with the client goes on without ALPN, like the other
      // providers; requireAlpn is the engine's AlpnGuard's, before BoringSSL sees the hello.
      SSLContext.setAlpnProtos(
          ctx, b.alpn.toArray(new String[0]), SSL.SSL_SELECTOR_FAILURE_NO_ADVERTISE);
    }
    if (!client && !b.sniNames.isEmpty()) {
      SNIMatcher matcher = ServerNames.matcher(b.sniNames);
      // BoringSSL answers a name the matcher refuses with the fatal unrecognized_name alert
      SSLContext.setSniHostnameMatcher(ctx, (ssl, name) -> matches(matcher, name));
    }
    if (client) {
      if (sessions != null) {
        SSLContext.setSessionCacheMode(
            ctx, SSL.SSL_SESS_CACHE_CLIENT | SSL.SSL_SESS_CACHE_NO_INTERNAL_STORE);
        SSLContext.setSSLSessionCache(ctx, new ClientCache(this));
      }
    } else {
      // TLS 1.2 session IDs from BoringSSL's own cache; tickets (1.2 and 1.3) need no cache
      SSLContext.setSessionCacheMode(ctx, SSL.SSL_SESS_CACHE_SERVER);
      SSLContext.setSessionIdContext(ctx, SESSION_ID_CONTEXT);
    }
    // ticket keys, tickets off, cache size and lifetime, key log
    TcnativeSessions.applyToBoring(ctx, b.sessions, client);
  }

  private static boolean matches(SNIMatcher matcher, String name) {
    try {
      return matcher.matches(new SNIHostName(name));
    } catch (IllegalArgumentException notAHostName) {
      return false;
    }
  }

  /** BoringSSL's TLS 1.3 suites are fixed (all AEAD): only the TLS 1.2 list is ours to set. */
  private void setTls12Suites(List<String> javaNames) {
    List<String> names = new ArrayList<>();
    for (String name : javaNames) {
      if (!name.contains("_WITH_")) {
        continue; // a TLS 1.3 suite
      }
      String openSsl = CipherSuiteConverter.toOpenSsl(name, true);
      if (openSsl == null) {
        throw new TlsConfigException(
            "the BORINGSSL provider does not know the cipher suite " + name + ": use IANA names");
      }
      names.add(openSsl);
    }
    if (names.isEmpty()) {
      return;
    }
    try {
      SSLContext.setCipherSuite(ctx, String.join(":", names), false);
    } catch (Exception e) {
      throw new TlsConfigException(
          "BoringSSL refused the cipher suites " + names + ": " + e.getMessage(), e);
    }
  }

  /**
   * A connection's SSL and BIO, for {@code host} (a client's identity) and {@code port} (-1: cache
   * no session); {@code sni} is the name a client sends, or null.
   */
  NativeSsl open(String host, int port, String sni) {
    if (ownerReleased.get()) {
      throw new IllegalStateException("the TlsContext was closed: build a new one for new engines");
    }
    retain();
    long ssl = 0;
    try {
      ssl = SSL.newSSL(ctx, !client);
      long bio = SSL.bioNewByteBuffer(ssl, NON_APPLICATION_BIO_BYTES);
      if (sni != null) {
        SSL.setTlsExtHostName(ssl, sni);
      }
      if (ocspResponse != null) {
        // for the key material the certificate callback sets on this connection; sent only to a
        // client that asked (status_request)
        SSL.setOcspResponse(ssl, ocspResponse);
      }
      if (requestOcsp) {
        SSL.enableOcsp(ssl); // status_request in our ClientHello (tcnative's per-SSL switch)
      }
      NativeSsl.Handle handle = new NativeSsl.Handle(this, ssl, bio, host, port);
      if (tracked) {
        live.put(ssl, handle);
      }
      made.incrementAndGet();
      if (sessions != null && port >= 0 && host != null) {
        handle.peerChain = sessions.offer(ssl, handle.cacheKey);
      }
      return new NativeSsl(handle);
    } catch (Exception | Error e) {
      if (ssl != 0) {
        live.remove(ssl);
        SSL.freeSSL(ssl); // the BIO with it
      }
      release();
      throw new IllegalStateException("BoringSSL could not make a connection: " + e, e);
    }
  }

  /** {@code name} as kept for the names clients sent before: the same String for the same name. */
  String requestedName(String name) {
    if (name == null) {
      return null;
    }
    String known = requestedNames.get(name);
    if (known != null) {
      return known;
    }
    if (requestedNames.size() < REQUESTED_NAMES) {
      known = requestedNames.putIfAbsent(name, name);
    }
    return known != null ? known : name;
  }

  /** Frees one connection's SSL (and its BIO): {@link NativeSsl.Handle#run()}, once. */
  void free(NativeSsl.Handle handle) {
    if (tracked) {
      live.remove(handle.ssl);
    }
    SSL.freeSSL(handle.ssl);
    freed.incrementAndGet();
    release();
  }

  private void retain() {
    for (int n = references.get(); ; n = references.get()) {
      if (n == 0) {
        throw new IllegalStateException("the TlsContext was closed: build a new one");
      }
      if (references.compareAndSet(n, n + 1)) {
        return;
      }
    }
  }

  private void release() {
    if (references.decrementAndGet() == 0) {
      if (sessions != null) {
        sessions.freeAll();
      }
      SSLContext.free(ctx);
      if (keys != null) {
        keys.free();
      }
      contextFreed = true;
    }
  }

  /** The TlsContext's reference: given back by close(), or once the TlsContext is unreachable. */
  void releaseOwner() {
    if (ownerReleased.compareAndSet(false, true)) {
      release();
    }
  }

  /** Connections made and not yet freed. */
  long liveConnections() {
    return made.get() - freed.get();
  }

  long connectionsFreed() {
    return freed.get();
  }

  boolean contextFreed() {
    return contextFreed;
  }

  int cachedSessions() {
    return sessions == null ? 0 : sessions.size();
  }

  /** The trust check of one handshake, called by BoringSSL (through tcnative) on its thread. */
  private int verify(long ssl, byte[][] der, String authMethod) {
    NativeSsl.Handle handle = live.get(ssl);
    try {
      X509Certificate[] chain = PeerChains.decodeOrThrow(der);
      TrustView view =
          new TrustView(
              handle == null ? null : handle.host,
              handle == null ? -1 : handle.port,
              client,
              hostnameVerification,
              Protocols.ofVersion(SSL.getVersionInt(ssl)),
              client ? SSL.getOcspResponse(ssl) : null);
      if (client) {
        trust.checkServerTrusted(chain, authMethod, view);
      } else {
        trust.checkClientTrusted(chain, authMethod, view);
      }
      List<X509Certificate> verified = List.of(chain);
      if (handle != null) {
        handle.peerChain = verified; // SessionInfo's, and the sessions' this handshake makes
      }
      peerChains.remember(der, verified); // a resumed server's, which meets it again
      return CertificateVerifier.X509_V_OK;
    } catch (CertificateException e) {
      if (handle != null) {
        handle.verifyFailure = e;
      }
      if (e instanceof PolicyRefusal refusal) {
        return verifyError(refusal);
      }
      if (e instanceof CertificateExpiredException) {
        return CertificateVerifier.X509_V_ERR_CERT_HAS_EXPIRED;
      }
      if (e instanceof CertificateNotYetValidException) {
        return CertificateVerifier.X509_V_ERR_CERT_NOT_YET_VALID;
      }
      return CertificateVerifier.X509_V_ERR_CERT_UNTRUSTED;
    } catch (RuntimeException e) {
      if (handle != null) {
        handle.verifyFailure = new CertificateException("the trust check failed: " + e, e);
      }
      return CertificateVerifier.X509_V_ERR_UNSPECIFIED;
    }
  }

  /**
   * The X.509 verify error for a policy refusal, from which BoringSSL picks the alert OpenSSL sends
   * for the same refusal: {@code bad_certificate} for a weak key or signature, {@code
   * certificate_revoked}, {@code unknown_ca} for a chain too long.
   */
  static int verifyError(PolicyRefusal refusal) {
    return switch (refusal.rule()) {
      case REVOKED -> CertificateVerifier.X509_V_ERR_CERT_REVOKED;
      case DEPTH -> CertificateVerifier.X509_V_ERR_CERT_CHAIN_TOO_LONG;
      case UNDETERMINED -> CertificateVerifier.X509_V_ERR_UNABLE_TO_GET_CRL;
      default -> CertificateVerifier.X509_V_ERR_CERT_UNTRUSTED;
    };
  }

  /** The verify callback; static so it holds the native context only. */
  private static final class Verifier extends CertificateVerifier {
    private final BoringContext context;

    Verifier(BoringContext context) {
      this.context = context;
    }

    @Override
    public int verify(long ssl, byte[][] chain, String authMethod) {
      return context.verify(ssl, chain, authMethod);
    }
  }

  /** Where BoringSSL hands a client's new sessions (and TLS 1.3 tickets) over. */
  private static final class ClientCache implements SSLSessionCache {
    private final BoringContext context;

    ClientCache(BoringContext context) {
      this.context = context;
    }

    @Override
    public boolean sessionCreated(long ssl, long session) {
      NativeSsl.Handle handle = context.live.get(ssl);
      if (handle == null || handle.cacheKey == null) {
        return false; // BoringSSL keeps its reference and frees the session with the SSL
      }
      context.sessions.add(handle.cacheKey, session, handle.peerChain);
      return true; // the reference is ours now
    }

    @Override
    public long getSession(long ssl, byte[] sessionId) {
      return -1; // clients offer sessions themselves (BoringSessions.offer)
    }
  }
}
