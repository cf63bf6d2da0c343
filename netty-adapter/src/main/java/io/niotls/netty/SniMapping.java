package io.niotls.netty;

import io.niotls.context.TlsContext;
import io.niotls.wire.HostNameSyntax;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Which server {@link TlsContext} answers which requested server name: exact names first, then
 * wildcards ({@code *.example.com} matches {@code a.example.com}, one label, as in certificates),
 * then the default, which also answers clients that send no name. Immutable and thread-safe.
 *
 * <pre>{@code
 * SniMapping mapping = SniMapping.withDefault(fallback)
 *     .add("example.com", apex)
 *     .add("*.example.com", wildcard)
 *     .build();
 * }</pre>
 */
public final class SniMapping {
  private final TlsContext defaultContext;
  private final Map<String, TlsContext> exact;
  private final Map<String, TlsContext> wildcards; // keyed by the part after "*."

  private SniMapping(Builder b) {
    defaultContext = b.defaultContext;
    exact = Map.copyOf(b.exact);
    wildcards = Map.copyOf(b.wildcards);
  }

  /** A mapping whose unmatched (and absent) names go to {@code defaultContext}. */
  public static Builder withDefault(TlsContext defaultContext) {
    return new Builder(serverContext(defaultContext));
  }

  /** The context for {@code serverName} (case-insensitive; null means no name was sent). */
  public TlsContext select(String serverName) {
    if (serverName == null) {
      return defaultContext;
    }
    String name = serverName.toLowerCase(Locale.ROOT);
    TlsContext match = exact.get(name);
    if (match != null) {
      return match;
    }
    int dot = name.indexOf('.');
    if (dot > 0) {
      match = wildcards.get(name.substring(dot + 1));
      if (match != null) {
        return match;
      }
    }
    return defaultContext;
  }

  public TlsContext defaultContext() {
    return defaultContext;
  }

  private static TlsContext serverContext(TlsContext context) {
    Objects.requireNonNull(context, "context");
    if (context.isClient()) {
      throw new IllegalArgumentException("SNI selects server contexts; this one is a client's");
    }
    return context;
  }

  /** Collects name patterns. Not thread-safe. */
  public static final class Builder {
    private final TlsContext defaultContext;
    private final Map<String, TlsContext> exact = new HashMap<>();
    private final Map<String, TlsContext> wildcards = new HashMap<>();

    private Builder(TlsContext defaultContext) {
      this.defaultContext = defaultContext;
    }

    /**
     * Maps a host name, or a wildcard {@code *.domain} (a single leading label), to a context.
     *
     * @throws IllegalArgumentException for anything else, or a pattern mapped twice
     */
    public Builder add(String pattern, TlsContext context) {
      String p = pattern.toLowerCase(Locale.ROOT);
      boolean wildcard = p.startsWith("*.");
      String name = wildcard ? p.substring(2) : p;
      byte[] ascii = name.getBytes(StandardCharsets.ISO_8859_1);
      String problem = HostNameSyntax.problem(ascii, 0, ascii.length);
      if (problem != null || !name.equals(new String(ascii, StandardCharsets.ISO_8859_1))) {
        throw new IllegalArgumentException(
            "not a host name or *.domain wildcard: '"
                + pattern
                + "'"
                + (problem == null ? "" : " (" + problem + ")"));
      }
      Map<String, TlsContext> target = wildcard ? wildcards : exact;
      if (target.putIfAbsent(name, serverContext(context)) != null) {
        throw new IllegalArgumentException("'" + pattern + "' is mapped twice");
      }
      return this;
    }

    public SniMapping build() {
      return new SniMapping(this);
    }
  }
}
