package io.niotls.cli;

import io.niotls.context.Provider;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code openssl s_client}'s {@code -sess_out}/{@code -sess_in}: a session saved to a file and
 * offered again by a later run. No provider of niotls can do it honestly, so the options say why
 * instead of pretending: netty-tcnative (OPENSSL, BORINGSSL) has no binding for BoringSSL's session
 * serialization ({@code SSL_SESSION_to_bytes}, {@code i2d_SSL_SESSION} and their inverses: its
 * {@code SSLSession} class has times, id, reference counts only), and SunJSSE (JDK) has no API to
 * export or import a client session. Within one run, resumption works and is shown by {@code niotls
 * bench --resume}.
 */
public final class SessionFileOptions {
  @Option(
      names = "--sess-out",
      paramLabel = "FILE",
      description =
          "as openssl s_client -sess_out: not available, every provider refuses it and says why"
              + " (no provider can save a TLS session to a file); see niotls bench --resume")
  Path sessOut;

  @Option(
      names = "--sess-in",
      paramLabel = "FILE",
      description =
          "as openssl s_client -sess_in: not available, every provider refuses it and says why")
  Path sessIn;

  /**
   * @throws CliException when either option was given, saying why {@code provider} cannot
   */
  void check(Provider provider) {
    if (sessOut == null && sessIn == null) {
      return;
    }
    String option = sessOut != null ? "--sess-out" : "--sess-in";
    String jdk = "the JDK provider (SunJSSE) has no API to export or import a TLS session";
    String tcnative =
        "the BoringSSL providers (OPENSSL, BORINGSSL) cannot either: netty-tcnative has no binding"
            + " for BoringSSL's session serialization (SSL_SESSION_to_bytes and its inverse)";
    String why =
        switch (provider) {
          case JDK -> jdk;
          case AUTO -> tcnative + ", and " + jdk;
          default -> tcnative.replace(" either", "");
        };
    throw CliException.usage(
        option
            + " cannot work: it needs a TLS session saved to a file and read back, and "
            + why
            + "; within one run niotls resumes by itself (niotls bench --resume shows it), and"
            + " openssl s_client -sess_out/-sess_in saves sessions across runs");
  }
}
