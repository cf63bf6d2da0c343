package io.niotls.bench.support;

import io.niotls.certs.CertificateGenerator;
import io.niotls.certs.GeneratedCertificate;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.context.TlsContextBuilder;
import java.util.List;

/**
 * A niotls client and server context for one {@link Spec}. The raw SSLEngine benchmarks take their
 * engines from the same contexts, so provider, suites, certificates and verification are identical
 * on both sides; {@link Fixture} builds Netty's contexts to match.
 */
public record ContextPair(TlsContext client, TlsContext server) {
  /** The name the client connects to and verifies; the certificate's only SAN. */
  public static final String HOST = "localhost";

  public static final int PORT = 443;

  /** Full handshakes (resumption off) with a fresh EC P-256 certificate. */
  public static ContextPair of(Provider provider, String protocol) {
    return Fixture.of(Spec.full(provider, protocol)).niotls();
  }

  /** Contexts for {@code spec}, presenting {@code leaf} and trusting {@code ca}. */
  static ContextPair of(Spec spec, GeneratedCertificate ca, GeneratedCertificate leaf) {
    TlsContextBuilder server =
        TlsContext.forServer(leaf.keyMaterial())
            .provider(spec.provider())
            .protocols(spec.protocol())
            .sessionResumption(spec.resumption());
    TlsContextBuilder client =
        TlsContext.forClient()
            .provider(spec.provider())
            .protocols(spec.protocol())
            .trustCertificates(List.of(ca.certificate()))
            .sessionResumption(spec.resumption());
    List<String> suites = spec.cipher().suites(spec.protocol(), spec.key());
    if (suites != null) {
      server.cipherSuites(suites.toArray(new String[0]));
      client.cipherSuites(suites.toArray(new String[0]));
    }
    return new ContextPair(client.build(), server.build());
  }

  /** A CA and a {@link #HOST} certificate signed by it, with {@code key}'s kind of key. */
  static GeneratedCertificate[] certificates(CertificateGenerator.KeyType key) {
    GeneratedCertificate ca = CertificateGenerator.ca("niotls bench CA").generate();
    GeneratedCertificate leaf =
        CertificateGenerator.leaf(HOST).keyType(key).subjectAltNames(HOST).issuer(ca).generate();
    return new GeneratedCertificate[] {ca, leaf};
  }
}
