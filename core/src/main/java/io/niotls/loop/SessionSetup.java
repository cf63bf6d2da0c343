package io.niotls.loop;

import io.niotls.context.TlsConfigException;
import io.niotls.context.TlsContext;
import io.niotls.uri.TransportUri;
import java.util.ArrayList;
import java.util.List;

/**
 * What every session of one server, or one client connect, starts with: the context (null for
 * plaintext), the protocol versions the URI's scheme narrows it to, and the session settings.
 *
 * @param context the TLS context; null for {@code tcp://}
 * @param protocols the versions to enable on each engine when the scheme allows fewer than the
 *     context ({@code tlsv1.2://}, {@code tlsv1.3://}); null to keep the context's
 * @param config timeouts, TCP_NODELAY, outbound limit
 */
record SessionSetup(TlsContext context, List<String> protocols, SessionConfig config) {

  /**
   * Checks that {@code context} fits {@code uri} and the role.
   *
   * @throws TlsConfigException naming what does not fit and what to do
   */
  static SessionSetup of(
      TransportUri uri, TlsContext context, SessionConfig config, boolean server) {
    if (uri.scheme().isDatagram()) {
      throw new TlsConfigException(
          uri.scheme().text()
              + ":// carries datagrams, not a stream: use DatagramServer or DatagramClient ("
              + uri
              + ")");
    }
    if (!uri.isTls()) {
      return new SessionSetup(
          null, null, config); // tcp://: plaintext; a context is only for startTls
    }
    String scheme = uri.scheme().text() + "://";
    if (context == null) {
      throw new TlsConfigException(
          scheme + " needs a TlsContext; use tcp:// for plaintext (" + uri + ")");
    }
    if (context.isClient() == server) {
      throw new TlsConfigException(
          server
              ? "a server needs a context from TlsContext.forServer(...), got a client context"
              : "a client needs a context from TlsContext.forClient(), got a server context");
    }
    List<String> allowed = context.protocols();
    List<String> both = new ArrayList<>(allowed);
    both.retainAll(uri.protocols());
    if (both.isEmpty()) {
      throw new TlsConfigException(
          scheme
              + " asks for "
              + String.join(" or ", uri.protocols())
              + ", but the context allows only "
              + String.join(" and ", allowed)
              + ": build the context with protocols(\""
              + uri.protocols().get(0)
              + "\") or use tls://");
    }
    return new SessionSetup(context, both.equals(allowed) ? null : List.copyOf(both), config);
  }
}
