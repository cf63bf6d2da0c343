package io.niotls.cli;

import io.niotls.context.TlsContextBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * How strictly the peer's chain is judged beyond trust itself, with OpenSSL's option names: a CA
 * directory, CRL files, a verify depth and a security level (the minimum key and signature
 * strengths). A client judges the server with them; a server, its clients' certificates.
 */
public final class VerifyOptions {
  @Option(
      names = {"--CApath", "--ca-path"},
      paramLabel = "DIR",
      description =
          "trust the CA certificates of this directory: hashed (openssl rehash) or plain PEM files")
  Path caPath;

  @Option(
      names = {"--CRL", "--crl"},
      paramLabel = "FILE",
      description =
          "refuse a peer certificate this CRL (PEM or DER) revokes; its issuer's CRL must be"
              + " given (repeatable)")
  List<Path> crls = new ArrayList<>();

  @Option(
      names = "--verify-depth",
      paramLabel = "N",
      description = "at most N intermediate CA certificates between the peer's and a trusted CA")
  Integer verifyDepth;

  @Option(
      names = "--security-level",
      paramLabel = "N",
      description =
          "minimum key and signature strengths, OpenSSL's levels 0-5 (default 2: RSA 2048, EC"
              + " 256 bits, no SHA-1); 1 allows RSA 1024 and SHA-1, 0 anything")
  Integer securityLevel;

  /** Whether any of these options was given. */
  boolean given() {
    return caPath != null || !crls.isEmpty() || verifyDepth != null || securityLevel != null;
  }

  /** The files (and CA directory) these options read, watched by a server's reload. */
  List<Path> files() {
    List<Path> files = new ArrayList<>(crls);
    if (caPath != null) {
      files.add(caPath);
    }
    return files;
  }

  /**
   * Applies the options after the trust settings: {@code trustFile} names the PEM option already
   * applied (null when none), which a CA directory cannot be combined with.
   *
   * @throws CliException (usage) when the options contradict each other
   */
  TlsContextBuilder applyTo(TlsContextBuilder builder, String trustFile) {
    if (caPath != null && trustFile != null) {
      throw CliException.usage(
          "--CApath and "
              + trustFile
              + " both name the trusted CAs: copy the PEM file into the directory, or drop one");
    }
    if (caPath != null) {
      builder.trustDirectory(caPath);
    }
    if (!crls.isEmpty()) {
      builder.crl(crls.toArray(new Path[0]));
    }
    if (verifyDepth != null) {
      builder.verifyDepth(verifyDepth);
    }
    if (securityLevel != null) {
      builder.securityLevel(securityLevel);
    }
    return builder;
  }
}
