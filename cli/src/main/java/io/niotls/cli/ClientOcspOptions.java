package io.niotls.cli;

import io.niotls.context.TlsContextBuilder;
import picocli.CommandLine.Option;

/** A client's OCSP stapling options: ask for the server's response, or require a good one. */
public final class ClientOcspOptions {
  @Option(
      names = "--status",
      description =
          "ask the server for a stapled OCSP response and print it on stderr (like openssl"
              + " s_client -status): its size, status and each certificate's status")
  boolean status;

  @Option(
      names = "--require-ocsp",
      description =
          "refuse a server that staples no OCSP response, or one that does not vouch for its"
              + " certificate (signed by its CA or the CA's responder, current, good)")
  boolean require;

  TlsContextBuilder applyTo(TlsContextBuilder builder) {
    if (require) {
      builder.requireOcspStapling();
    } else if (status) {
      builder.requestOcspStapling();
    }
    return builder;
  }
}
