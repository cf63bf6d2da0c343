package io.niotls.context;

import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLEngine;

/**
 * Where each provider keeps the OCSP response a server stapled, for the trust check of the
 * handshake under way: SunJSSE and Netty's engine in the handshake session's status responses,
 * BoringSSL driven directly in the {@link TrustView} its verify callback made.
 */
@FunctionalInterface
interface StapledResponses {
  /** The stapled response of {@code engine}'s handshake; null when none was stapled. */
  byte[] of(SSLEngine engine);

  /** The status responses of the handshake session: SunJSSE's and Netty's engines. */
  StapledResponses SESSION =
      engine -> {
        if (engine == null) {
          return null;
        }
        if (engine instanceof TrustView view) {
          return view.stapled();
        }
        if (engine.getHandshakeSession() instanceof ExtendedSSLSession session) {
          List<byte[]> responses = session.getStatusResponses();
          if (!responses.isEmpty() && responses.get(0).length > 0) {
            return responses.get(0);
          }
        }
        return null;
      };
}
