package io.niotls.uri;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Where to connect or listen, and whether to speak TLS there: {@code scheme://host:port}.
 *
 * <p>Accepted forms: {@code tcp://}, {@code tls://}, {@code ssl://}, {@code tlsv1.2://} and {@code
 * tlsv1.3://} followed by {@code host:port}, or a bare {@code host:port} (meaning {@code tcp://});
 * for datagrams, {@code udp://} (plaintext), {@code dtls://} and {@code dtlsv1.2://} (DTLS 1.2).
 * The scheme is case-insensitive. The host is a host name, a dotted IPv4 address or an IPv6 literal
 * in brackets ({@code tls://[::1]:8443}). An IPv6 literal may carry a zone id, the interface a
 * link-local address is on, in the RFC 6874 form {@code tcp://[fe80::1%25eth0]:80} or the plain
 * {@code tcp://[fe80::1%eth0]:80}; both mean the same. The port is 0 to 65535; 0 asks for an
 * ephemeral port and makes sense for servers. User info, paths, queries and fragments are refused.
 *
 * <p>{@code sslv2://}, {@code sslv3://}, {@code tlsv1://}, {@code tlsv1.0://} and {@code
 * tlsv1.1://}, {@code dtlsv1://} and {@code dtlsv1.0://} are recognised and refused: those
 * protocols are insecure and niotls does not speak them. Every refusal is an {@link
 * IllegalArgumentException} whose message quotes the input and says what is wrong.
 *
 * <p>Host names and IPv6 literals are kept lowercased (a zone id keeps its case: interface names
 * are case-sensitive); {@link #toString()} prints the canonical form, and {@code
 * parse(uri.toString()).equals(uri)} holds for every instance. Instances are immutable and
 * thread-safe. Nothing here touches DNS except {@link #resolve()}.
 */
public final class TransportUri {

  private static final String DTLS_1_0 =
      "DTLS 1.0 is insecure (it is TLS 1.1 over datagrams, deprecated by RFC 8996) and"
          + " unsupported";

  /** Recognised but refused schemes, and why. */
  private static final Map<String, String> REFUSED =
      Map.of(
          "sslv2", "SSLv2 is insecure (DROWN) and unsupported",
          "sslv3", "SSLv3 is insecure (POODLE) and unsupported",
          "tlsv1", "TLS 1.0 is insecure (BEAST; deprecated by RFC 8996) and unsupported",
          "tlsv1.0", "TLS 1.0 is insecure (BEAST; deprecated by RFC 8996) and unsupported",
          "tlsv1.1", "TLS 1.1 is insecure (deprecated by RFC 8996) and unsupported",
          "dtlsv1", DTLS_1_0,
          "dtlsv1.0", DTLS_1_0);

  private static final String KNOWN =
      Arrays.stream(Scheme.values()).map(s -> s.text() + "://").collect(Collectors.joining(", "));

  private final Scheme scheme;
  private final String host;
  private final int port;

  private TransportUri(Scheme scheme, String host, int port) {
    this.scheme = scheme;
    this.host = host;
    this.port = port;
  }

  /**
   * Parses a transport URI such as {@code tls://example.com:443}, {@code tcp://[::1]:80} or {@code
   * localhost:8080}. Surrounding whitespace is ignored. Never touches the network.
   *
   * @throws IllegalArgumentException if {@code text} is null, blank, malformed, uses an unknown
   *     scheme, or names an insecure protocol; the message quotes the input and says why
   */
  public static TransportUri parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("transport URI is null; expected scheme://host:port");
    }
    String input = text.strip(); // case kept: a zone id names an interface, "eth0" is not "ETH0"
    if (input.isEmpty()) {
      throw bad(text, "it is blank; expected scheme://host:port, e.g. tls://example.com:443");
    }
    int sep = input.indexOf("://");
    Scheme scheme =
        sep < 0 ? Scheme.TCP : scheme(input.substring(0, sep).toLowerCase(Locale.ROOT), text);
    String authority = input.substring(sep < 0 ? 0 : sep + 3);
    for (int i = 0; i < authority.length(); i++) {
      if ("/?#".indexOf(authority.charAt(i)) >= 0) {
        String extra = authority.substring(i);
        throw bad(
            text,
            "path, query or fragment \"" + extra + "\" is not allowed; use scheme://host:port");
      }
    }
    String host;
    String portText;
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      if (close < 0) {
        throw bad(text, "'[' is never closed; IPv6 literals look like [::1]:80");
      }
      host = authority.substring(1, close);
      int zone = host.indexOf('%');
      String address = (zone < 0 ? host : host.substring(0, zone)).toLowerCase(Locale.ROOT);
      if (!(address.isEmpty() && zone < 0) && !HostSyntax.isIpv6(address)) {
        throw bad(text, "\"[" + host + "]\" is not an IPv6 address; brackets are only for IPv6");
      }
      String rest = authority.substring(close + 1);
      if (!rest.isEmpty() && !rest.startsWith(":")) {
        throw bad(text, "unexpected \"" + rest + "\" after ']'; expected :port");
      }
      portText = rest.isEmpty() ? "" : rest.substring(1);
    } else {
      authority = authority.toLowerCase(Locale.ROOT);
      int colon = authority.lastIndexOf(':');
      host = colon < 0 ? authority : authority.substring(0, colon);
      portText = colon < 0 ? "" : authority.substring(colon + 1);
      if (host.indexOf(':') >= 0) {
        String fix =
            HostSyntax.isIpv6(host) && portText.matches("[0-9]+")
                ? host + "]:" + portText
                : (HostSyntax.isIpv6(authority) ? authority : "<ipv6>") + "]:<port>";
        throw bad(
            text, "an IPv6 address must be in brackets; write " + scheme.text() + "://[" + fix);
      }
    }
    if (portText.isEmpty()) {
      throw bad(text, "port is missing; expected scheme://host:port, e.g. tls://example.com:443");
    }
    if (!portText.matches("-?[0-9]+")) {
      throw bad(text, "port \"" + portText + "\" is not a number");
    }
    long port = portText.length() > 18 ? -1 : Long.parseLong(portText);
    if (port < 0 || port > 65535) {
      throw bad(text, "port " + portText + " is out of range 0-65535");
    }
    return create(scheme, host, (int) port, text);
  }

  /**
   * A transport URI from its parts, validated as {@link #parse} would. IPv6 hosts are given without
   * brackets: {@code of(Scheme.TLS, "::1", 8443)}.
   *
   * @throws NullPointerException if {@code scheme} or {@code host} is null
   * @throws IllegalArgumentException if the host is not a valid host name, IPv4 or IPv6 address, or
   *     the port is outside 0-65535
   */
  public static TransportUri of(Scheme scheme, String host, int port) {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(host, "host");
    String shown = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return create(scheme, host, port, scheme.text() + "://" + shown + ":" + port);
  }

  /** This URI with another port (0-65535); this instance is unchanged. */
  public TransportUri withPort(int port) {
    return create(scheme, host, port, scheme.text() + "://" + bracketed() + ":" + port);
  }

  /** The scheme; a bare {@code host:port} has {@link Scheme#TCP}. */
  public Scheme scheme() {
    return scheme;
  }

  /**
   * The host name or IP literal, lowercase, without brackets: {@code "::1"}. A zone id follows a
   * plain {@code %}, as {@link java.net.InetAddress} takes it: {@code "fe80::1%eth0"}.
   */
  public String host() {
    return host;
  }

  /** The port, 0-65535; 0 means "any free port" when listening. */
  public int port() {
    return port;
  }

  /** Shorthand for {@code scheme().isTls()}. */
  public boolean isTls() {
    return scheme.isTls();
  }

  /** Shorthand for {@code scheme().protocols()}. */
  public List<String> protocols() {
    return scheme.protocols();
  }

  /** Whether the host is an IPv4 or IPv6 literal rather than a name; decided without DNS. */
  public boolean isIpLiteral() {
    return isIpv6() || HostSyntax.isIpv4(host);
  }

  /** Whether the host is an IPv6 literal. */
  public boolean isIpv6() {
    return host.indexOf(':') >= 0;
  }

  /** An unresolved socket address for this host and port; never touches DNS. */
  public InetSocketAddress toUnresolvedAddress() {
    return InetSocketAddress.createUnresolved(host, port);
  }

  /**
   * Resolves the host to its first address: {@code resolveAll().get(0)}. <b>May block</b> on a DNS
   * lookup for host names: do not call it on an event-loop thread. IP literals are converted
   * without a lookup.
   *
   * @throws UnknownHostException if the host name does not resolve, or a zone id names no interface
   *     of this machine
   */
  public InetSocketAddress resolve() throws UnknownHostException {
    return resolveAll().get(0);
  }

  /**
   * Resolves the host to every address it has, in the resolver's order (which, for a name such as
   * {@code localhost}, may put {@code ::1} before {@code 127.0.0.1} or the other way round), each
   * with this URI's port. <b>May block</b> on a DNS lookup for host names: do not call it on an
   * event-loop thread. An IP literal gives itself, without a lookup; a zone id is kept in the
   * address's scope.
   *
   * @return an immutable list of one address or more
   * @throws UnknownHostException if the host name does not resolve, or a zone id names no interface
   *     of this machine
   */
  public List<InetSocketAddress> resolveAll() throws UnknownHostException {
    InetAddress[] all;
    try {
      all = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      int percent = host.indexOf('%');
      String why =
          percent >= 0
              ? "has zone id \""
                  + host.substring(percent + 1)
                  + "\", which names no network interface here ("
                  + e.getMessage()
                  + ")"
              : "does not resolve";
      UnknownHostException failure = new UnknownHostException(host + " (from " + this + ") " + why);
      failure.initCause(e);
      throw failure;
    }
    return Arrays.stream(all).map(a -> new InetSocketAddress(a, port)).toList();
  }

  /** Equal when scheme, host and port are equal; {@code tls://} and {@code ssl://} differ. */
  @Override
  public boolean equals(Object o) {
    return o instanceof TransportUri other
        && other.scheme == scheme
        && other.host.equals(host)
        && other.port == port;
  }

  @Override
  public int hashCode() {
    return Objects.hash(scheme, host, port);
  }

  /** The canonical form {@code scheme://host:port}, IPv6 in brackets: {@code tls://[::1]:443}. */
  @Override
  public String toString() {
    return scheme.text() + "://" + bracketed() + ":" + port;
  }

  /** The host as the URI writes it: IPv6 in brackets, a zone id after {@code %25} (RFC 6874). */
  private String bracketed() {
    return isIpv6() ? "[" + host.replace("%", "%25") + "]" : host;
  }

  private static Scheme scheme(String name, String input) {
    for (Scheme scheme : Scheme.values()) {
      if (scheme.text().equals(name)) {
        return scheme;
      }
    }
    if (REFUSED.containsKey(name)) {
      String instead =
          name.startsWith("dtls") ? "use dtls:// (DTLS 1.2)" : "use tls:// (TLS 1.3/1.2)";
      throw bad(input, name + ":// is refused: " + REFUSED.get(name) + "; " + instead);
    }
    throw bad(input, "unknown scheme \"" + name + "\"; known schemes are " + KNOWN);
  }

  private static TransportUri create(Scheme scheme, String host, int port, String input) {
    int percent = host.indexOf('%');
    String lower = (percent < 0 ? host : host.substring(0, percent)).toLowerCase(Locale.ROOT);
    if (lower.isEmpty() && percent < 0) {
      throw bad(input, "host is empty; expected scheme://host:port");
    }
    boolean valid =
        lower.indexOf(':') >= 0
            ? HostSyntax.isIpv6(lower)
            : percent < 0 && (HostSyntax.isIpv4(lower) || HostSyntax.isHostName(lower));
    if (!valid) {
      String why =
          percent >= 0 && lower.indexOf(':') < 0
              ? "\"" + host + "\" is not an IPv6 address; only IPv6 addresses have a zone id (%)"
              : "\"" + host + "\" is not a valid host name, IPv4 or IPv6 address";
      throw bad(input, why);
    }
    if (port < 0 || port > 65535) {
      throw bad(input, "port " + port + " is out of range 0-65535");
    }
    String zone = percent < 0 ? null : zone(host.substring(percent + 1), input);
    return new TransportUri(scheme, zone == null ? lower : lower + "%" + zone, port);
  }

  /**
   * The zone id after the {@code %} of an IPv6 literal, in either form: RFC 6874's, where the
   * {@code %} itself is written {@code %25} ({@code fe80::1%25eth0}), or the plain one people and
   * {@code ip} use ({@code fe80::1%eth0}). Text after {@code %} that starts with {@code 25} and
   * goes on is the RFC form, so {@code %253} is zone {@code 3}; {@code %25} alone is zone {@code
   * 25}. Case is kept: interface names are case-sensitive.
   */
  private static String zone(String text, String input) {
    String zone = text.startsWith("25") && text.length() > 2 ? text.substring(2) : text;
    if (zone.isEmpty()) {
      throw bad(input, "the zone id after '%' is empty; write [fe80::1%25eth0] or [fe80::1%eth0]");
    }
    if (!zone.matches("[A-Za-z0-9._~-]+")) {
      throw bad(
          input,
          "zone id \""
              + zone
              + "\" may hold only letters, digits, '.', '_', '~' and '-' (an interface name such as"
              + " eth0, or its index)");
    }
    return zone;
  }

  private static IllegalArgumentException bad(String input, String why) {
    return new IllegalArgumentException("bad transport URI \"" + input + "\": " + why);
  }
}
