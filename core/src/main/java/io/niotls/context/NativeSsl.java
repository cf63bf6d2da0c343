package io.niotls.context;

import io.netty.internal.tcnative.SSL;
import java.lang.ref.Cleaner;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * One connection's BoringSSL objects for the {@link Provider#BORINGSSL} provider: the {@code SSL}
 * and the ByteBuffer BIO it reads ciphertext from and writes ciphertext to (freed with it). Low
 * level: made by {@link TlsContext#newNativeSsl} for {@code TlsEngine}, which alone drives it, on
 * one thread at a time.
 *
 * <p>Freed exactly once: by {@link #close()}, or, when the engine is dropped without closing, once
 * this object is unreachable. Each keeps its context's native state alive until it is freed.
 */
public final class NativeSsl implements AutoCloseable {
  private static final Cleaner CLEANER = Cleaner.create();

  private final Handle handle;
  private final Cleaner.Cleanable cleanable;

  NativeSsl(Handle handle) {
    this.handle = handle;
    this.cleanable = CLEANER.register(this, handle);
  }

  /** The {@code SSL*}; 0 once freed. */
  public long ssl() {
    return handle.freed() ? 0 : handle.ssl;
  }

  /** The network BIO that {@code SSL.bioSetByteBuffer} points at our buffers. */
  public long bio() {
    return handle.bio;
  }

  /**
   * Why our trust logic refused the peer's certificate during this handshake; null if it did not.
   */
  public CertificateException verifyFailure() {
    return handle.verifyFailure;
  }

  /**
   * The peer's certificate chain, leaf first, as BoringSSL holds it after the handshake; empty when
   * the peer sent none. A chain this context decoded before (a resumed session's, or the one its
   * trust check just verified) is not decoded again. {@code client} says which side we are.
   */
  public List<X509Certificate> peerCertificates(boolean client) {
    if (handle.freed()) {
      return List.of();
    }
    List<X509Certificate> known = handle.peerChain;
    return known != null ? known : handle.owner.peerChains.of(handle.ssl, client);
  }

  /** The negotiated protocol version's name ({@code TLSv1.3}, {@code TLSv1.2}); null once freed. */
  public String protocol() {
    return handle.freed() ? null : Protocols.ofVersion(SSL.getVersionInt(handle.ssl));
  }

  /**
   * The SNI name the client sent this server connection, or null: one String per distinct name a
   * context has seen, not a copy per connection.
   */
  public String requestedServerName() {
    return handle.freed() ? null : handle.owner.requestedName(SSL.getSniHostname(handle.ssl));
  }

  /** Whether the finished handshake resumed a session. */
  public boolean resumed() {
    return !handle.freed() && SSL.isSessionReused(handle.ssl);
  }

  /** Frees the SSL and its BIO, once; later calls do nothing. */
  @Override
  public void close() {
    cleanable.clean();
  }

  /**
   * What the native context knows of one connection, and how to free it: referenced by the
   * context's callbacks (trust, session cache) by {@code SSL*}, never by the {@link NativeSsl}, so
   * that a dropped engine stays collectable.
   */
  static final class Handle implements Runnable {
    final BoringContext owner;
    final long ssl;
    final long bio;
    final String host; // the identity a client verifies and caches sessions under
    final int port; // -1: no session is cached for this connection
    final String cacheKey; // the client session cache's key for host:port; null: none cached
    volatile CertificateException verifyFailure;
    // the peer's chain as this connection knows it without asking BoringSSL: the one our trust
    // check verified, or the one kept with the session a client offers; null: not known
    volatile List<X509Certificate> peerChain;
    private volatile boolean freed;

    Handle(BoringContext owner, long ssl, long bio, String host, int port) {
      this.owner = owner;
      this.ssl = ssl;
      this.bio = bio;
      this.host = host;
      this.port = port;
      this.cacheKey = port >= 0 && host != null ? BoringSessions.key(host, port) : null;
    }

    boolean freed() {
      return freed;
    }

    /**
     * Runs once (the Cleaner's guarantee): by close(), or after the NativeSsl became unreachable.
     */
    @Override
    public void run() {
      freed = true;
      owner.free(this);
    }
  }
}
