package io.niotls.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.niotls.context.OcspResponse;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * What Netty's {@code OcspClientHandler} does, for a client pipeline with a niotls {@link
 * TlsHandler} (or any {@link SslHandler}): added after it, it waits for the handshake to succeed,
 * takes the OCSP response the server stapled from the handler's session ({@link
 * #stapledResponse(SslHandler)}) and {@link #verify}s it; a response that does not pass fails the
 * channel with an {@link SSLHandshakeException} that says why, before the application hears of the
 * handshake, and closes it. Either way it then leaves the pipeline.
 *
 * <p>Netty's handler reads the response from its own OpenSSL engine class, which a niotls handler
 * does not have; this one reads it from the {@link SSLSession} ({@code
 * ExtendedSSLSession.getStatusResponses()}), which niotls fills on every provider. The client's
 * context must ask for a response: {@code TlsContext.forClient().requestOcspStapling()}. ({@code
 * requireOcspStapling()} makes the same check inside the handshake instead, with an alert.)
 *
 * <p>By default a response must vouch for the server's certificate ({@link OcspResponse#verify}):
 * signed by its issuer (the next certificate the server sent, or one of the {@code issuers} given)
 * or by that issuer's OCSP responder, about this certificate, current, and {@code good}. Override
 * {@link #verify} for another rule.
 */
public class OcspStaplingHandler extends ChannelInboundHandlerAdapter {
  private final List<X509Certificate> issuers;

  /**
   * @param issuers the CA certificates that may have issued the server's certificate when the
   *     server does not send its issuer along (typically the trust anchors)
   */
  public OcspStaplingHandler(List<X509Certificate> issuers) {
    this.issuers = List.copyOf(issuers);
  }

  /**
   * The OCSP response stapled to {@code handler}'s finished handshake, or null when there is none.
   */
  public static OcspResponse stapledResponse(SslHandler handler) {
    SSLSession session = handler.engine().getSession();
    if (session instanceof ExtendedSSLSession extended) {
      List<byte[]> responses = extended.getStatusResponses();
      if (!responses.isEmpty() && responses.get(0).length > 0) {
        return OcspResponse.received(responses.get(0));
      }
    }
    return null;
  }

  /**
   * Whether the handshake may stand: the default refuses a missing response and one that does not
   * vouch for the server's certificate, by throwing with the reason.
   *
   * @param response what the server stapled; null when it stapled nothing
   * @param session the handshake's session: the server's chain is its peer certificates
   * @return false to refuse without a reason of its own
   * @throws Exception to refuse, with the reason
   */
  protected boolean verify(ChannelHandlerContext ctx, OcspResponse response, SSLSession session)
      throws Exception {
    X509Certificate[] chain = chain(session);
    String subject = chain[0].getSubjectX500Principal().getName();
    if (response == null) {
      throw new CertificateException(
          "the server stapled no OCSP response for "
              + subject
              + " (does the client's context requestOcspStapling()?)");
    }
    X509Certificate issuer = issuerOf(chain);
    if (issuer == null) {
      throw new CertificateException(
          "the issuer of " + subject + " is unknown: give it to the OcspStaplingHandler");
    }
    response.verify(chain[0], issuer, Instant.now());
    return true;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (!(evt instanceof SslHandshakeCompletionEvent event)) {
      ctx.fireUserEventTriggered(evt);
      return;
    }
    ctx.pipeline().remove(this);
    if (event.isSuccess()) {
      SslHandler handler = ctx.pipeline().get(SslHandler.class);
      String refused;
      Throwable cause = null;
      try {
        SSLSession session = handler.engine().getSession();
        refused =
            verify(ctx, stapledResponse(handler), session)
                ? null
                : "the stapled OCSP response was refused";
      } catch (Exception e) {
        refused = e.getMessage();
        cause = e;
      }
      if (refused != null) {
        SSLHandshakeException failure = new SSLHandshakeException(refused);
        failure.initCause(cause);
        ctx.fireExceptionCaught(failure);
        ctx.close();
        return;
      }
    }
    ctx.fireUserEventTriggered(evt);
  }

  private static X509Certificate[] chain(SSLSession session) throws SSLPeerUnverifiedException {
    Certificate[] certificates = session.getPeerCertificates();
    X509Certificate[] chain = new X509Certificate[certificates.length];
    for (int i = 0; i < certificates.length; i++) {
      chain[i] = (X509Certificate) certificates[i];
    }
    return chain;
  }

  private X509Certificate issuerOf(X509Certificate[] chain) {
    if (chain.length > 1
        && chain[0].getIssuerX500Principal().equals(chain[1].getSubjectX500Principal())) {
      return chain[1];
    }
    for (X509Certificate candidate : issuers) {
      if (candidate.getSubjectX500Principal().equals(chain[0].getIssuerX500Principal())) {
        return candidate;
      }
    }
    return null;
  }
}
