package io.niotls.loop;

import io.niotls.context.SniMapping;
import io.niotls.context.TlsConfigException;
import io.niotls.context.TlsContext;
import io.niotls.uri.TransportUri;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every session of one server, or one client connect, starts with: the context (null for
 * plaintext), the protocol versions the URI's scheme narrows it to, and the session settings.
 *
 * @param context the TLS context; null for {@code tcp://}
 * @param protocols the versions to enable on each engine when the scheme allows fewer than the
 *     context ({@code tlsv1.2://}, {@code tlsv1.3://}); null to keep the context's
 * @param config timeouts, TCP_NODELAY, outbound limit
 * @param sni a server's contexts by requested name, when it has several (then {@code context} is
 *     the mapping's default); null otherwise
 * @param narrowed what {@code protocols} is for each of the mapping's contexts; null without one
 */
record SessionSetup(
    TlsContext context,
    List<String> protocols,
    SessionConfig config,
    SniMapping sni,
    Map<TlsContext, List<String>> narrowed) {

  SessionSetup(TlsContext context, List<String> protocols, SessionConfig config) {
    this(context, protocols, config, null, null);
  }

  /**
   * A server's setup for several contexts chosen by name: every one of them must fit {@code uri},
   * as the one context of {@link #of(TransportUri, TlsContext, SessionConfig, boolean)} must.
   *
   * @throws TlsConfigException naming what does not fit and what to do
   */
  static SessionSetup of(TransportUri uri, SniMapping sni, SessionConfig config) {
    if (!uri.isTls()) {
      throw new TlsConfigException(
          uri.scheme().text()
              + ":// is plaintext: contexts chosen by server name need tls:// (a STARTTLS"
              + " session upgrades with the one context its handler gives)");
    }
    Map<TlsContext, List<String>> narrowed = new IdentityHashMap<>();
    for (TlsContext c : sni.contexts()) {
      narrowed.put(c, of(uri, c, config, true).protocols());
    }
    TlsContext fallback = sni.defaultContext();
    return new SessionSetup(
        fallback, narrowed.get(fallback), config, sni, Collections.unmodifiableMap(narrowed));
  }

  /** The versions to enable on an engine of {@code chosen}, one of the setup's contexts. */
  List<String> protocolsFor(TlsContext chosen) {
    return chosen == context || narrowed == null ? protocols : narrowed.get(chosen);
  }

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
