package io.niotls.cli;

import io.niotls.context.TlsContextBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * How a client decides to trust the server: the system CAs (default), a PEM bundle, pinned
 * fingerprints, or nothing at all ({@code --insecure}); and the name it asks for and checks.
 */
public final class ClientTrustOptions {
  @Option(
      names = "--trust",
      paramLabel = "PEM",
      description = "trust the CA certificates in this PEM file instead of the system's")
  Path trust;

  @Option(
      names = "--pin",
      paramLabel = "sha256:HEX",
      description =
          "accept the server whose certificate has this fingerprint (repeatable); without --trust"
              + " the pin replaces chain and host name checks, with it both must pass")
  List<String> pins = new ArrayList<>();

  @Option(
      names = {"-k", "--insecure"},
      description = "accept any certificate, unchecked: for tests and demos only")
  boolean insecure;

  @Option(
      names = "--servername",
      paramLabel = "NAME",
      description = "the SNI name to send and check the certificate against (default: the host)")
  String serverName;

  /** Applies trust, pins and the server name to a client context builder. */
  TlsContextBuilder applyTo(TlsContextBuilder builder) {
    if (insecure && (trust != null || !pins.isEmpty())) {
      throw CliException.usage(
          "--insecure accepts any certificate, which contradicts "
              + (trust != null ? "--trust" : "--pin")
              + "; drop one");
    }
    if (insecure) {
      builder.insecureTrustAll();
    } else if (trust != null) {
      builder.trustPem(trust);
      builder.pin(pins.toArray(new String[0]));
    } else if (!pins.isEmpty()) {
      builder.pin(pins.toArray(new String[0])).pinsReplaceChainValidation();
    }
    if (serverName != null) {
      builder.serverName(serverName);
    }
    return builder;
  }
}
