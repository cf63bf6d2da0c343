package io.niotls.netty;

import io.niotls.context.ClientAuth;
import io.niotls.context.TlsContext;
import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * What {@link TlsHandler#engine()} returns: an {@link SSLEngine} that describes the handler's
 * connection to code written for Netty's {@code SslHandler} (gRPC, {@code SslMasterKeyHandler},
 * Reactor Netty) while niotls's engine does the work. Its session, handshake session, ALPN
 * protocol, mode, client-auth setting and suites are the real connection's; the settings are the
 * {@link TlsContext}'s and cannot be changed here. Where niotls's engine runs over an SSLEngine
 * (JDK, OPENSSL) the sessions are that engine's own; BoringSSL driven directly has none, so its
 * session is an {@link InfoSession} made from what the handshake negotiated, and there is no
 * handshake session while the handshake runs.
 *
 * <p>It refuses to {@code wrap}, {@code unwrap} or {@code beginHandshake}: the handler encrypts
 * itself, and a second driver would corrupt the connection. {@code closeOutbound()} is the
 * handler's {@link TlsHandler#closeOutbound()}. Any thread may call it.
 */
final class HandlerSslEngine extends SSLEngine {
  private static final String REFUSED =
      "this SSLEngine only describes a niotls TlsHandler's connection; the handler encrypts and"
          + " decrypts itself: write and read through the channel instead";

  private final TlsContext context;
  private volatile TlsHandler handler;
  private volatile SSLEngine live; // the engine under niotls's TlsEngine, from handlerAdded on
  private volatile SSLSession established; // kept at the end of the handshake
  private volatile String alpn; // "" once the handshake ended without ALPN

  HandlerSslEngine(TlsContext context, String peerHost, int peerPort) {
    super(peerHost, peerPort);
    this.context = context;
  }

  void owner(TlsHandler handler) {
    this.handler = handler;
  }

  /** The handler made its engine over this SSLEngine: the handshake session is read from it. */
  void started(SSLEngine engine) {
    live = engine;
  }

  /** The handshake finished: its session and ALPN protocol are kept past the engine's release. */
  void established(SSLSession session, String applicationProtocol) {
    established = session;
    alpn = applicationProtocol == null ? "" : applicationProtocol;
  }

  @Override
  public SSLSession getSession() {
    SSLSession s = established;
    if (s != null) {
      return s;
    }
    SSLEngine engine = live;
    return engine != null ? engine.getSession() : NoSession.INSTANCE;
  }

  @Override
  public SSLSession getHandshakeSession() {
    SSLEngine engine = live;
    return established == null && engine != null ? engine.getHandshakeSession() : null;
  }

  /** The negotiated protocol; "" when none was; null before the handshake ends. */
  @Override
  public String getApplicationProtocol() {
    return alpn;
  }

  @Override
  public String getHandshakeApplicationProtocol() {
    SSLEngine engine = live;
    return established == null && engine != null ? engine.getHandshakeApplicationProtocol() : null;
  }

  @Override
  public boolean getUseClientMode() {
    return context.isClient();
  }

  @Override
  public void setUseClientMode(boolean mode) {
    if (mode != context.isClient()) {
      throw new IllegalArgumentException(
          "the handler's role comes from its TlsContext (forClient() or forServer())");
    }
  }

  @Override
  public boolean getNeedClientAuth() {
    return context.clientAuth() == ClientAuth.REQUIRE;
  }

  @Override
  public boolean getWantClientAuth() {
    return context.clientAuth() == ClientAuth.OPTIONAL;
  }

  @Override
  public void setNeedClientAuth(boolean need) {
    refuseChange(need == getNeedClientAuth(), "client authentication");
  }

  @Override
  public void setWantClientAuth(boolean want) {
    refuseChange(want == getWantClientAuth(), "client authentication");
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return getEnabledCipherSuites();
  }

  @Override
  public String[] getEnabledCipherSuites() {
    return context.cipherSuites().toArray(new String[0]);
  }

  @Override
  public void setEnabledCipherSuites(String[] suites) {
    refuseChange(List.of(suites).equals(context.cipherSuites()), "cipher suites");
  }

  @Override
  public String[] getSupportedProtocols() {
    return getEnabledProtocols();
  }

  @Override
  public String[] getEnabledProtocols() {
    return context.protocols().toArray(new String[0]);
  }

  @Override
  public void setEnabledProtocols(String[] protocols) {
    refuseChange(List.of(protocols).equals(context.protocols()), "protocols");
  }

  @Override
  public boolean getEnableSessionCreation() {
    return true;
  }

  @Override
  public void setEnableSessionCreation(boolean flag) {
    refuseChange(flag, "session creation");
  }

  /** The context's settings as parameters (protocols, suites, ALPN, client auth). */
  @Override
  public SSLParameters getSSLParameters() {
    SSLParameters p = new SSLParameters(getEnabledCipherSuites(), getEnabledProtocols());
    p.setApplicationProtocols(context.alpn().toArray(new String[0]));
    p.setNeedClientAuth(getNeedClientAuth());
    if (!p.getNeedClientAuth()) {
      p.setWantClientAuth(getWantClientAuth());
    }
    if (context.isClient() && context.hostnameVerification()) {
      p.setEndpointIdentificationAlgorithm("HTTPS");
    }
    return p;
  }

  /**
   * Takes parameters code written for {@code SslHandler} sets by habit (Reactor Netty asks for host
   * name verification) when niotls does that already; it refuses to turn on host name verification
   * for a context that has it off, because that is a security decision it cannot honour silently.
   * Other fields are the context's, whatever is passed here.
   */
  @Override
  public void setSSLParameters(SSLParameters params) {
    String id = params.getEndpointIdentificationAlgorithm();
    if (id != null && !id.isEmpty() && !(context.isClient() && context.hostnameVerification())) {
      throw new IllegalArgumentException(
          "host name verification ("
              + id
              + ") is the TlsContext's to decide, and this one does not verify host names: build it"
              + " without turning verification off");
    }
  }

  @Override
  public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst)
      throws SSLException {
    throw new SSLException(REFUSED);
  }

  @Override
  public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length)
      throws SSLException {
    throw new SSLException(REFUSED);
  }

  @Override
  public void beginHandshake() throws SSLException {
    throw new SSLException(
        "the niotls TlsHandler starts its handshake itself and refuses renegotiation");
  }

  @Override
  public Runnable getDelegatedTask() {
    return null;
  }

  @Override
  public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
    return SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING;
  }

  /** The handler's {@link TlsHandler#closeOutbound()}: close_notify after pending writes. */
  @Override
  public void closeOutbound() {
    TlsHandler h = handler;
    if (h != null) {
      h.closeOutboundFromView();
    }
  }

  @Override
  public boolean isOutboundDone() {
    TlsHandler h = handler;
    return h != null && h.isOutboundDone();
  }

  /** Does nothing: the handler reads until the peer's close_notify or the channel's end. */
  @Override
  public void closeInbound() {}

  @Override
  public boolean isInboundDone() {
    TlsHandler h = handler;
    return h != null && h.sslCloseFuture().isDone();
  }

  private static void refuseChange(boolean same, String what) {
    if (!same) {
      throw new UnsupportedOperationException(
          "the niotls TlsHandler takes its "
              + what
              + " from its TlsContext: set them on TlsContextBuilder");
    }
  }

  /** SSLEngine's "no session yet" (SSL_NULL_WITH_NULL_NULL), for a handler not yet added. */
  private static final class NoSession {
    static final SSLSession INSTANCE = make();

    private static SSLSession make() {
      try {
        SSLContext jdk = SSLContext.getInstance("TLS");
        jdk.init(null, null, null);
        return jdk.createSSLEngine().getSession();
      } catch (NoSuchAlgorithmException | java.security.KeyManagementException e) {
        throw new IllegalStateException("the JDK has no TLS SSLContext", e);
      }
    }
  }
}
