package io.niotls.bench.sni;

import io.niotls.certs.CertificateGenerator;
import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.certs.GeneratedCertificate;
import io.niotls.context.Provider;
import io.niotls.context.SniMapping;
import io.niotls.context.TlsContext;
import java.util.List;
import java.util.Locale;

/**
 * The two servers the SNI benchmarks compare, for one provider, key type and kind of lookup: one
 * whose mapping holds a single name, one whose mapping holds {@code size} names (nine in ten exact
 * {@code hostNNNN.sni.test}, one in ten wildcards {@code *.zoneNNNN.sni.test}) spread over {@link
 * #CONTEXTS} contexts. Both map the name the client asks for the same way, so the two differ only
 * in the mapping's size:
 *
 * <ul>
 *   <li>{@code exact}: the client asks for {@code host0500.sni.test}, an exact name of both;
 *   <li>{@code wildcard}: it asks for {@code www.zone0509.sni.test}, which both match through
 *       {@code *.zone0509.sni.test} (the exact lookup misses first);
 *   <li>{@code unknown}: it asks for {@code www.unknown.test}, which neither knows: the default
 *       context answers (both lookups miss).
 * </ul>
 *
 * Every context presents the same certificate (one CA, one leaf naming all three), so only the
 * choosing differs; each server has contexts of its own, equal in everything.
 */
final class SniNames {
  static final int CONTEXTS = 10;

  final String asked;
  final TlsContext client;
  private final GeneratedCertificate ca;
  final SniMapping one;
  final SniMapping many;

  /** The context each mapping should choose for {@link #asked}. */
  final TlsContext oneChoice;

  final TlsContext manyChoice;

  SniNames(Provider provider, String protocol, KeyType key, String lookup, int size) {
    String pattern =
        switch (lookup) {
          case "exact" -> "host0500.sni.test";
          case "wildcard" -> "*.zone0509.sni.test";
          case "unknown" -> "host0500.sni.test";
          default ->
              throw new IllegalArgumentException(
                  "lookup is exact, wildcard or unknown, not " + lookup);
        };
    if (size < 1000) {
      throw new IllegalArgumentException(
          "at least 1000 names (the patterns asked for are in them)");
    }
    asked =
        switch (lookup) {
          case "exact" -> "host0500.sni.test";
          case "wildcard" -> "www.zone0509.sni.test";
          default -> "www.unknown.test";
        };
    ca = CertificateGenerator.ca("niotls sni bench CA").generate();
    GeneratedCertificate leaf =
        CertificateGenerator.leaf("host0500.sni.test")
            .keyType(key)
            .subjectAltNames("host0500.sni.test", "*.zone0509.sni.test", "www.unknown.test")
            .issuer(ca)
            .generate();
    client =
        TlsContext.forClient()
            .provider(provider)
            .protocols(protocol)
            .trustCertificates(List.of(ca.certificate()))
            .sessionResumption(false)
            .build();

    TlsContext oneDefault = server(provider, protocol, leaf);
    TlsContext oneNamed = server(provider, protocol, leaf);
    one = SniMapping.withDefault(oneDefault).add(pattern, oneNamed).build();
    oneChoice = lookup.equals("unknown") ? oneDefault : oneNamed;

    TlsContext manyDefault = server(provider, protocol, leaf);
    TlsContext[] contexts = new TlsContext[CONTEXTS];
    for (int i = 0; i < CONTEXTS; i++) {
      contexts[i] = server(provider, protocol, leaf);
    }
    SniMapping.Builder b = SniMapping.withDefault(manyDefault);
    for (int i = 0; i < size; i++) {
      b.add(patternOf(i), contexts[i % CONTEXTS]);
    }
    many = b.build();
    manyChoice = lookup.equals("unknown") ? manyDefault : many.select(asked);
    if (many.names().size() != size || !many.knows("host0500.sni.test")) {
      throw new IllegalStateException("the large mapping is not what it should be: " + many);
    }
  }

  /** The i-th name of the large mapping: nine in ten exact names, one in ten wildcards. */
  static String patternOf(int i) {
    return i % 10 == 9
        ? String.format(Locale.ROOT, "*.zone%04d.sni.test", i)
        : String.format(Locale.ROOT, "host%04d.sni.test", i);
  }

  private static TlsContext server(Provider provider, String protocol, GeneratedCertificate leaf) {
    return TlsContext.forServer(leaf.keyMaterial())
        .provider(provider)
        .protocols(protocol)
        .sessionResumption(false)
        .build();
  }

  /**
   * A client context like {@link #client} that sends {@link #asked} itself: for a socket client.
   */
  TlsContext namedClient(Provider provider, String protocol) {
    return TlsContext.forClient()
        .provider(provider)
        .protocols(protocol)
        .trustCertificates(List.of(ca.certificate()))
        .serverName(asked)
        .sessionResumption(false)
        .build();
  }

  void close() {
    client.close();
    one.contexts().forEach(TlsContext::close);
    many.contexts().forEach(TlsContext::close);
  }
}
