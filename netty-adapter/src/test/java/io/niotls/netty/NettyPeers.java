package io.niotls.netty;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.niotls.testing.TestPki;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;

/** Netty's own SslContexts over the test PKI: the real peer our handler must interoperate with. */
final class NettyPeers {
  private NettyPeers() {}

  static SslContext server(SslProvider provider, String protocol) {
    TestPki pki = TestPki.ec();
    try {
      return SslContextBuilder.forServer(
              pki.server().privateKey(),
              pki.server().keyMaterial().chain().toArray(new X509Certificate[0]))
          .sslProvider(provider)
          .protocols(protocol)
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException(e);
    }
  }

  static SslContext client(SslProvider provider, String protocol) {
    try {
      return SslContextBuilder.forClient()
          .sslProvider(provider)
          .protocols(protocol)
          .trustManager(TestPki.ec().ca().certificate())
          .endpointIdentificationAlgorithm("HTTPS")
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException(e);
    }
  }
}
