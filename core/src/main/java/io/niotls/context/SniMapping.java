package io.niotls.context;

import io.niotls.wire.ClientHelloParser;
import io.niotls.wire.HostNameSyntax;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * Which server {@link TlsContext} answers which requested server name (SNI): exact names first,
 * then wildcards ({@code *.example.com} matches {@code a.example.com}, one label, as in
 * certificates), then the default, which also answers clients that send no name. The one mapping of
 * every home that serves several names: {@code TlsServer} (the selector loop) and the Netty
 * adapter's {@code SniTlsHandler}. Immutable and thread-safe.
 *
 * <pre>{@code
 * SniMapping mapping = SniMapping.withDefault(fallback)
 *     .add("example.com", apex)
 *     .add("*.example.com", wildcard)
 *     .build();
 * }</pre>
 *
 * <p>Several key types for one name: a name (or the default) may be mapped to several contexts
 * whose keys are of different types, an EC and an RSA certificate say. {@link #choose} then gives
 * each client the first of them, in the order they were added, that the ClientHello shows it can
 * verify: its signature_algorithms for TLS 1.3, and its cipher suites (which name the key type of
 * TLS 1.2) for TLS 1.2. The choice is made from the ClientHello, before any engine exists, so it is
 * the same for every provider (JDK, OPENSSL, BORINGSSL) and every home. A client that can verify
 * none of them gets the first, whose engine then refuses it in its own words.
 *
 * <p>Strict ({@link Builder#sniStrict}): a client that asks for a name the mapping does not know is
 * refused with a fatal {@code unrecognized_name} alert (RFC 6066 section 3) rather than served the
 * default certificate; a client that sends no name still gets the default.
 *
 * <p>Cost: a name is one hash lookup, then one more for the wildcard of its parent domain, however
 * many names are mapped.
 */
public final class SniMapping {
  private final List<TlsContext> defaults;
  private final Map<String, List<TlsContext>> exact;
  private final Map<String, List<TlsContext>> wildcards; // keyed by the part after "*."
  private final boolean strict;

  private SniMapping(Builder b) {
    defaults = List.copyOf(b.defaults);
    exact = frozen(b.exact);
    wildcards = frozen(b.wildcards);
    strict = b.strict;
  }

  private static Map<String, List<TlsContext>> frozen(Map<String, List<TlsContext>> names) {
    Map<String, List<TlsContext>> copy = new HashMap<>(names.size() * 2);
    names.forEach((name, contexts) -> copy.put(name, List.copyOf(contexts)));
    return Collections.unmodifiableMap(copy);
  }

  /**
   * A mapping whose unmatched (and absent) names go to {@code defaultContext}, or to one of {@code
   * otherKeyTypes} (contexts with keys of other types) for a client that cannot verify its key.
   *
   * @throws TlsConfigException for a client context, or two defaults with keys of one type
   */
  public static Builder withDefault(TlsContext defaultContext, TlsContext... otherKeyTypes) {
    Builder b = new Builder();
    b.addTo(b.defaults, serverContext(defaultContext), "the default");
    for (TlsContext other : otherKeyTypes) {
      b.addTo(b.defaults, serverContext(other), "the default");
    }
    return b;
  }

  /**
   * The context for {@code serverName} (case-insensitive; null means no name was sent): the first
   * mapped to it, or the default. Strictness and key types are {@link #choose}'s.
   */
  public TlsContext select(String serverName) {
    List<TlsContext> found = lookup(serverName);
    return (found != null ? found : defaults).get(0);
  }

  /** Whether {@code serverName} is mapped, exactly or by a wildcard (case-insensitive). */
  public boolean knows(String serverName) {
    return lookup(serverName) != null;
  }

  /**
   * The context for a client, from its ClientHello as far as {@code hello} has read it (any final
   * state): by the server name, then by the key types the client can verify (see the class
   * comment). Bytes that are not a ClientHello, or one that cannot be read, go to the default,
   * whose engine refuses them in its own words.
   *
   * @return the context, or null when the mapping is strict and the client asked for a name it does
   *     not know (or one that is not a host name): refuse it with {@code unrecognized_name}
   */
  public TlsContext choose(ClientHelloParser hello) {
    if (hello.state() != ClientHelloParser.State.DONE) {
      return defaults.get(0);
    }
    List<TlsContext> found = lookup(hello.serverName());
    if (found == null) {
      boolean askedForOne = hello.serverName() != null || hello.serverNameProblem() != null;
      if (strict && askedForOne) {
        return null;
      }
      found = defaults;
    }
    return found.size() == 1 ? found.get(0) : KeyTypes.firstVerifiable(found, hello);
  }

  /** The context clients without a name (and, unless strict, with an unknown one) get. */
  public TlsContext defaultContext() {
    return defaults.get(0);
  }

  /** Whether unknown names are refused with {@code unrecognized_name}. */
  public boolean sniStrict() {
    return strict;
  }

  /** Every context of the mapping once, the default first: for checks that must hold for all. */
  public Set<TlsContext> contexts() {
    Set<TlsContext> all = new LinkedHashSet<>(defaults); // contexts are equal only to themselves
    exact.values().forEach(all::addAll);
    wildcards.values().forEach(all::addAll);
    return Collections.unmodifiableSet(all);
  }

  /**
   * The names mapped, exact names as they are and wildcards as {@code *.domain}, each with its
   * contexts in the order added; for a server to say what it serves. Sorted by name.
   */
  public Map<String, List<TlsContext>> names() {
    Map<String, List<TlsContext>> all = new TreeMap<>(exact);
    wildcards.forEach((domain, contexts) -> all.put("*." + domain, contexts));
    return Collections.unmodifiableMap(new LinkedHashMap<>(all));
  }

  /**
   * The names a certificate serves, for mapping them: the DNS names among its subject alternative
   * names (wildcards included, IP addresses left out: SNI carries no addresses), or, when it has
   * none, its subject's common name if that is a host name. Lower case, in the certificate's order.
   *
   * @throws TlsConfigException if it names no host at all
   */
  public static List<String> namesOf(X509Certificate certificate) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (Integer.valueOf(2).equals(san.get(0))) { // dNSName, RFC 5280 section 4.2.1.6
            names.add(String.valueOf(san.get(1)).toLowerCase(Locale.ROOT));
          }
        }
      }
      if (names.isEmpty()) {
        X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        for (RDN rdn : subject.getRDNs(BCStyle.CN)) {
          String cn = IETFUtils.valueToString(rdn.getFirst().getValue());
          if (!HostNames.isIpLiteral(cn)
              && HostNameSyntax.problem(ascii(cn), 0, cn.length()) == null) {
            names.add(cn.toLowerCase(Locale.ROOT));
          }
        }
      }
    } catch (CertificateParsingException e) {
      throw new TlsConfigException(
          "cannot read the names of " + KeyMaterial.subject(certificate) + ": " + e.getMessage());
    }
    if (names.isEmpty()) {
      throw new TlsConfigException(
          "the certificate "
              + KeyMaterial.subject(certificate)
              + " names no host (no DNS subject alternative name, no host name as its CN): it"
              + " cannot be chosen by server name");
    }
    return List.copyOf(names);
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  private List<TlsContext> lookup(String serverName) {
    if (serverName == null) {
      return null;
    }
    String name = serverName.toLowerCase(Locale.ROOT);
    List<TlsContext> match = exact.get(name);
    if (match != null) {
      return match;
    }
    int dot = name.indexOf('.');
    return dot > 0 ? wildcards.get(name.substring(dot + 1)) : null;
  }

  private static TlsContext serverContext(TlsContext context) {
    Objects.requireNonNull(context, "context");
    if (context.isClient()) {
      throw new TlsConfigException("SNI selects server contexts; this one is a client's");
    }
    return context;
  }

  @Override
  public String toString() {
    return "SniMapping["
        + (exact.size() + wildcards.size())
        + " names"
        + (strict ? ", strict" : "")
        + "]";
  }

  /** Collects name patterns. Not thread-safe. */
  public static final class Builder {
    private final List<TlsContext> defaults = new ArrayList<>();
    private final Map<String, List<TlsContext>> exact = new HashMap<>();
    private final Map<String, List<TlsContext>> wildcards = new HashMap<>();
    private boolean strict;

    private Builder() {}

    /**
     * Maps a host name, or a wildcard {@code *.domain} (a single leading label), to a context. A
     * name may be mapped again to a context whose key is of another type (see the class comment).
     *
     * @throws TlsConfigException for anything else, a client context, or a pattern mapped twice to
     *     keys of one type
     */
    public Builder add(String pattern, TlsContext context) {
      String p = pattern.toLowerCase(Locale.ROOT);
      boolean wildcard = p.startsWith("*.");
      String name = wildcard ? p.substring(2) : p;
      byte[] ascii = name.getBytes(StandardCharsets.ISO_8859_1);
      String problem = HostNameSyntax.problem(ascii, 0, ascii.length);
      if (problem != null || !name.equals(new String(ascii, StandardCharsets.ISO_8859_1))) {
        throw new TlsConfigException(
            "not a host name or *.domain wildcard: '"
                + pattern
                + "'"
                + (problem == null ? "" : " (" + problem + ")"));
      }
      Map<String, List<TlsContext>> target = wildcard ? wildcards : exact;
      addTo(
          target.computeIfAbsent(name, n -> new ArrayList<>(1)),
          serverContext(context),
          "'" + pattern + "'");
      return this;
    }

    /**
     * Refuses clients that ask for a name none of the patterns matches with a fatal {@code
     * unrecognized_name} alert, instead of serving them the default; clients that send no name
     * still get the default. Off by default.
     */
    public Builder sniStrict(boolean strict) {
      this.strict = strict;
      return this;
    }

    public SniMapping build() {
      return new SniMapping(this);
    }

    private void addTo(List<TlsContext> contexts, TlsContext context, String what) {
      String type = KeyTypes.of(context);
      for (TlsContext mapped : contexts) {
        if (KeyTypes.of(mapped).equals(type)) {
          throw new TlsConfigException(
              what
                  + " is mapped twice"
                  + (mapped == context ? "" : " to " + type + " keys")
                  + ": map a name once per key type");
        }
      }
      contexts.add(context);
    }
  }
}
