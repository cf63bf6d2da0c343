package io.niotls.cli;

import io.niotls.context.Provider;
import io.niotls.context.TlsContextBuilder;
import io.niotls.uri.TransportUri;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** Options every command shares: protocol versions, provider, ALPN, handshake timeout. */
public final class TlsOptions {
  @Option(
      names = {"--protocols", "--protocol"},
      split = ",",
      paramLabel = "VERSION",
      description =
          "TLS versions to speak, comma-separated: TLSv1.3, TLSv1.2 (default: what the URI's"
              + " scheme allows; tls:// means both)")
  List<String> protocols = new ArrayList<>();

  @Option(
      names = "--provider",
      paramLabel = "PROVIDER",
      description =
          "JDK, OPENSSL (BoringSSL through Netty's engine), BORINGSSL (BoringSSL driven"
              + " directly) or AUTO (BORINGSSL when its native library loads, else JDK; the"
              + " default)")
  Provider provider = Provider.AUTO;

  @Option(
      names = "--alpn",
      split = ",",
      paramLabel = "PROTOCOL",
      description = "ALPN protocols, most preferred first, comma-separated (e.g. h2,http/1.1)")
  List<String> alpn = new ArrayList<>();

  @Option(
      names = "--handshake-timeout",
      paramLabel = "DURATION",
      converter = Durations.class,
      description = "how long a handshake may take: 500ms, 2s, 1m (default: 10s)")
  Duration handshakeTimeout = Duration.ofSeconds(10);

  /**
   * The protocol versions for {@code uri}: {@code --protocols} when given, checked against what the
   * scheme allows, else the scheme's own ({@code tcp://} upgraded by STARTTLS: TLS 1.3 and 1.2).
   *
   * @throws CliException (usage) when {@code --protocols} asks for a version the scheme excludes
   */
  List<String> protocolsFor(TransportUri uri) {
    List<String> allowed = uri.isTls() ? uri.protocols() : List.of("TLSv1.3", "TLSv1.2");
    if (protocols.isEmpty()) {
      return allowed;
    }
    List<String> chosen = new ArrayList<>();
    for (String p : protocols) {
      // TlsContext refuses old and unknown versions with its own message; canonical names here
      String canonical = canonical(p);
      if (canonical != null && !allowed.contains(canonical)) {
        throw CliException.usage(
            "--protocols "
                + p
                + " contradicts "
                + uri.scheme().text()
                + "://, which allows "
                + String.join(" and ", allowed)
                + " only; use tls:// or drop --protocols");
      }
      chosen.add(p);
    }
    return chosen;
  }

  /** Applies versions, provider, ALPN and the handshake timeout to {@code builder}. */
  TlsContextBuilder applyTo(TlsContextBuilder builder, TransportUri uri) {
    if (handshakeTimeout.isZero() || handshakeTimeout.isNegative()) {
      throw CliException.usage("--handshake-timeout must be more than 0, e.g. 2s");
    }
    builder.protocols(protocolsFor(uri).toArray(new String[0]));
    builder.provider(provider);
    if (!alpn.isEmpty()) {
      builder.alpn(alpn.toArray(new String[0]));
    }
    return builder.handshakeTimeout(handshakeTimeout);
  }

  private static String canonical(String version) {
    String v = version.strip().toLowerCase(Locale.ROOT).replace('_', '.');
    return switch (v) {
      case "tlsv1.3", "tls1.3", "1.3" -> "TLSv1.3";
      case "tlsv1.2", "tls1.2", "1.2" -> "TLSv1.2";
      default -> null;
    };
  }
}
