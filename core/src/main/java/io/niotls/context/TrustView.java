package io.niotls.context;

import java.nio.ByteBuffer;
import java.security.Principal;
import java.security.cert.Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;

/**
 * What the JDK's trust managers ask of an SSLEngine while they check a peer, for a BoringSSL
 * connection driven directly: the peer's host and port (the name a client verifies), the endpoint
 * identification algorithm ({@code HTTPS} when the context verifies host names), and a handshake
 * session that says which protocol is being negotiated. So the BORINGSSL provider goes through the
 * very trust logic of the other providers ({@link VerifyingTrustManager}: the chain, the host name,
 * the pins, the verification policy, a stapled OCSP response). Nothing else of the engine exists:
 * every other method throws.
 */
final class TrustView extends SSLEngine {
  private final boolean client;
  private final boolean hostnameVerification;
  private final String protocol;
  private final Session session = new Session();
  private final byte[] stapled;

  TrustView(String host, int port, boolean client, boolean hostnameVerification, String protocol) {
    this(host, port, client, hostnameVerification, protocol, null);
  }

  /**
   * @param stapled the OCSP response the server stapled (BoringSSL has read it before it asks for
   *     the trust check, in TLS 1.2 and 1.3 alike); null when none
   */
  TrustView(
      String host,
      int port,
      boolean client,
      boolean hostnameVerification,
      String protocol,
      byte[] stapled) {
    super(host, port);
    this.client = client;
    this.hostnameVerification = hostnameVerification;
    this.protocol = protocol;
    this.stapled = stapled;
  }

  /** The OCSP response the server stapled to this handshake; null when none. */
  byte[] stapled() {
    return stapled;
  }

  @Override
  public SSLParameters getSSLParameters() {
    SSLParameters parameters = new SSLParameters();
    if (client && hostnameVerification) {
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
    }
    return parameters;
  }

  @Override
  public SSLSession getHandshakeSession() {
    return session;
  }

  @Override
  public boolean getUseClientMode() {
    return client;
  }

  private static UnsupportedOperationException none() {
    return new UnsupportedOperationException("a view for trust checks only");
  }

  @Override
  public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) {
    throw none();
  }

  @Override
  public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) {
    throw none();
  }

  @Override
  public Runnable getDelegatedTask() {
    return null;
  }

  @Override
  public void closeInbound() {
    throw none();
  }

  @Override
  public boolean isInboundDone() {
    return false;
  }

  @Override
  public void closeOutbound() {
    throw none();
  }

  @Override
  public boolean isOutboundDone() {
    return false;
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return new String[0];
  }

  @Override
  public String[] getEnabledCipherSuites() {
    return new String[0];
  }

  @Override
  public void setEnabledCipherSuites(String[] suites) {
    throw none();
  }

  @Override
  public String[] getSupportedProtocols() {
    return new String[] {protocol};
  }

  @Override
  public String[] getEnabledProtocols() {
    return new String[] {protocol};
  }

  @Override
  public void setEnabledProtocols(String[] protocols) {
    throw none();
  }

  @Override
  public SSLSession getSession() {
    return session;
  }

  @Override
  public void beginHandshake() {
    throw none();
  }

  @Override
  public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
    return SSLEngineResult.HandshakeStatus.NEED_TASK;
  }

  @Override
  public void setUseClientMode(boolean mode) {
    throw none();
  }

  @Override
  public void setNeedClientAuth(boolean need) {
    throw none();
  }

  @Override
  public boolean getNeedClientAuth() {
    return false;
  }

  @Override
  public void setWantClientAuth(boolean want) {
    throw none();
  }

  @Override
  public boolean getWantClientAuth() {
    return false;
  }

  @Override
  public void setEnableSessionCreation(boolean flag) {
    throw none();
  }

  @Override
  public boolean getEnableSessionCreation() {
    return true;
  }

  /** The handshake under way, as far as a trust manager asks. */
  private final class Session implements SSLSession {
    @Override
    public String getPeerHost() {
      return TrustView.this.getPeerHost();
    }

    @Override
    public int getPeerPort() {
      return TrustView.this.getPeerPort();
    }

    @Override
    public String getProtocol() {
      return protocol;
    }

    @Override
    public byte[] getId() {
      return new byte[0];
    }

    @Override
    public SSLSessionContext getSessionContext() {
      return null;
    }

    @Override
    public long getCreationTime() {
      return 0;
    }

    @Override
    public long getLastAccessedTime() {
      return 0;
    }

    @Override
    public void invalidate() {}

    @Override
    public boolean isValid() {
      return true;
    }

    @Override
    public void putValue(String name, Object value) {
      throw none();
    }

    @Override
    public Object getValue(String name) {
      return null;
    }

    @Override
    public void removeValue(String name) {}

    @Override
    public String[] getValueNames() {
      return new String[0];
    }

    @Override
    public Certificate[] getPeerCertificates() {
      throw none();
    }

    @Override
    public Certificate[] getLocalCertificates() {
      return null;
    }

    @SuppressWarnings("removal")
    @Override
    public javax.security.cert.X509Certificate[] getPeerCertificateChain() {
      throw none();
    }

    @Override
    public Principal getPeerPrincipal() {
      throw none();
    }

    @Override
    public Principal getLocalPrincipal() {
      return null;
    }

    @Override
    public String getCipherSuite() {
      return "SSL_NULL_WITH_NULL_NULL";
    }

    @Override
    public int getPacketBufferSize() {
      return 0;
    }

    @Override
    public int getApplicationBufferSize() {
      return 0;
    }
  }
}
