package io.niotls.bench.support;

import io.niotls.context.CertificateGenerator;
import io.niotls.context.GeneratedCertificate;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import java.util.List;

/**
 * A client and a server context for benchmarks: a fresh CA and an EC P-256 {@code localhost}
 * certificate made at setup, one provider, one protocol version, and session resumption off so
 * every handshake is a full one. The raw SSLEngine benchmarks take their engines from the same
 * contexts, so provider, suites, certificates and verification are identical on both sides.
 */
public record ContextPair(TlsContext client, TlsContext server) {
  /** The name the client connects to and verifies; the certificate's only SAN. */
  public static final String HOST = "localhost";

  public static final int PORT = 443;

  /** Contexts for full handshakes (resumption off) with an EC P-256 server certificate. */
  public static ContextPair of(Provider provider, String protocol) {
    return of(provider, protocol, false);
  }

  public static ContextPair of(Provider provider, String protocol, boolean resumption) {
    GeneratedCertificate ca = CertificateGenerator.ca("niotls bench CA").generate();
    GeneratedCertificate leaf =
        CertificateGenerator.leaf(HOST)
            .keyType(CertificateGenerator.KeyType.EC_P256)
            .subjectAltNames(HOST)
            .issuer(ca)
            .generate();
    TlsContext server =
        TlsContext.forServer(leaf.keyMaterial())
            .provider(provider)
            .protocols(protocol)
            .sessionResumption(resumption)
            .build();
    TlsContext client =
        TlsContext.forClient()
            .provider(provider)
            .protocols(protocol)
            .trustCertificates(List.of(ca.certificate()))
            .sessionResumption(resumption)
            .build();
    return new ContextPair(client, server);
  }
}
