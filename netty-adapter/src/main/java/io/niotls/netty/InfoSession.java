package io.niotls.netty;

import io.niotls.engine.SessionInfo;
import io.niotls.wire.TlsRecords;
import java.security.Principal;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionBindingEvent;
import javax.net.ssl.SSLSessionBindingListener;
import javax.net.ssl.SSLSessionContext;

/**
 * The {@link SSLSession} of a connection that has no SSLEngine (BoringSSL driven directly), made
 * from what its handshake negotiated ({@link SessionInfo}), for code that reads the session of
 * {@code SslHandler.engine()}: gRPC's transport attributes, Reactor Netty, an application's
 * interceptor. Protocol, cipher suite, peer certificates, the SNI name, peer host and port and the
 * creation time are the connection's; the local certificates are the context's key material (what
 * this side presents when asked); the buffer sizes are the protocol's ({@link TlsRecords}).
 *
 * <p>What it cannot tell: the session ID (empty) and the session cache ({@code getSessionContext()}
 * is null, which {@link SSLSession} allows). {@link #invalidate()} makes {@link #isValid()} false
 * here only: BoringSSL's own cache is the context's. Values bound with {@link #putValue} are kept,
 * and their listeners told, as the interface says. Thread-safe.
 */
final class InfoSession extends ExtendedSSLSession {
  private static final byte[] NO_ID = new byte[0];

  private final SessionInfo info;
  private final List<X509Certificate> localCertificates;
  private final String peerHost;
  private final int peerPort;
  private final long creationTime = System.currentTimeMillis();
  private final Map<String, Object> values = new ConcurrentHashMap<>();
  private volatile boolean valid = true;

  /**
   * @param localCertificates our chain, leaf first; empty when this side has no key material
   */
  InfoSession(
      SessionInfo info, List<X509Certificate> localCertificates, String peerHost, int peerPort) {
    this.info = info;
    this.localCertificates = List.copyOf(localCertificates);
    this.peerHost = peerHost;
    this.peerPort = peerPort;
  }

  @Override
  public String getProtocol() {
    return info.protocol();
  }

  @Override
  public String getCipherSuite() {
    return info.cipherSuite();
  }

  @Override
  public Certificate[] getPeerCertificates() throws SSLPeerUnverifiedException {
    if (info.peerCertificates().isEmpty()) {
      throw new SSLPeerUnverifiedException("the peer sent no certificate");
    }
    return info.peerCertificates().toArray(new Certificate[0]);
  }

  @Override
  public Principal getPeerPrincipal() throws SSLPeerUnverifiedException {
    return ((X509Certificate) getPeerCertificates()[0]).getSubjectX500Principal();
  }

  /** Our chain as this side presents it when asked; null when it has none. */
  @Override
  public Certificate[] getLocalCertificates() {
    return localCertificates.isEmpty() ? null : localCertificates.toArray(new Certificate[0]);
  }

  @Override
  public Principal getLocalPrincipal() {
    return localCertificates.isEmpty() ? null : localCertificates.get(0).getSubjectX500Principal();
  }

  @Override
  public List<SNIServerName> getRequestedServerNames() {
    String name = info.serverName();
    return name == null ? List.of() : List.of(new SNIHostName(name));
  }

  @Override
  public String[] getLocalSupportedSignatureAlgorithms() {
    return new String[0];
  }

  @Override
  public String[] getPeerSupportedSignatureAlgorithms() {
    return new String[0];
  }

  @Override
  public String getPeerHost() {
    return peerHost;
  }

  @Override
  public int getPeerPort() {
    return peerPort;
  }

  /** When the handshake completed. */
  @Override
  public long getCreationTime() {
    return creationTime;
  }

  @Override
  public long getLastAccessedTime() {
    return creationTime;
  }

  /** The longest record the protocol allows, header included. */
  @Override
  public int getPacketBufferSize() {
    return TlsRecords.MAX_RECORD;
  }

  /** The most plaintext one record carries. */
  @Override
  public int getApplicationBufferSize() {
    return TlsRecords.MAX_PLAINTEXT_BODY;
  }

  @Override
  public byte[] getId() {
    return NO_ID;
  }

  @Override
  public SSLSessionContext getSessionContext() {
    return null;
  }

  @Override
  public void invalidate() {
    valid = false;
  }

  @Override
  public boolean isValid() {
    return valid;
  }

  @Override
  public void putValue(String name, Object value) {
    Object old = values.put(name, value);
    if (value instanceof SSLSessionBindingListener listener) {
      listener.valueBound(new SSLSessionBindingEvent(this, name));
    }
    if (old instanceof SSLSessionBindingListener listener) {
      listener.valueUnbound(new SSLSessionBindingEvent(this, name));
    }
  }

  @Override
  public Object getValue(String name) {
    return values.get(name);
  }

  @Override
  public void removeValue(String name) {
    Object old = values.remove(name);
    if (old instanceof SSLSessionBindingListener listener) {
      listener.valueUnbound(new SSLSessionBindingEvent(this, name));
    }
  }

  @Override
  public String[] getValueNames() {
    return values.keySet().toArray(new String[0]);
  }

  @Override
  public String toString() {
    return "InfoSession[" + info.protocol() + ", " + info.cipherSuite() + "]";
  }

  /** The OCSP response the server stapled (a client's session, when it asked); else none. */
  @Override
  public List<byte[]> getStatusResponses() {
    return info.ocspResponse() == null ? List.of() : List.of(info.ocspResponse().bytes());
  }
}
