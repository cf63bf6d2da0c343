package io.niotls.cli;

import io.niotls.certs.CertificateGenerator;
import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.KeyMaterial;
import io.niotls.context.KeySelector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Where our certificate and private key come from: PEM files ({@code --cert/--key}), or one entry
 * of a PKCS#12/JKS keystore ({@code --keystore/--password}, chosen by {@code --alias} or {@code
 * --cert-fingerprint}). Passwords may be given as {@code env:NAME} or {@code file:PATH} to keep
 * them off the command line.
 */
public final class KeyOptions {
  /** The names a generated certificate is valid for: every way to say "this machine". */
  static final String[] LOCAL_NAMES = {"localhost", "127.0.0.1", "::1"};

  /** The first --cert: the only one, except for a server with several ({@link #certs}). */
  Path cert;

  /** The first --key. */
  Path key;

  /** Every --cert in order: a server serves several, chosen by SNI; anything else takes one. */
  List<Path> certs = List.of();

  /** Every --key in order, the n-th that of the n-th --cert. */
  List<Path> keyFiles = List.of();

  @Option(
      names = "--cert",
      paramLabel = "PEM",
      description =
          "certificate chain, leaf first; a server takes several --cert/--key pairs, chosen by the"
              + " names in each certificate (SNI)")
  private void certs(List<Path> all) { // picocli passes the list so far, after each --cert
    certs = all;
    cert = all.isEmpty() ? null : all.get(0);
  }

  @Option(names = "--key", paramLabel = "PEM", description = "the certificate's private key")
  private void keyFiles(List<Path> all) {
    keyFiles = all;
    key = all.isEmpty() ? null : all.get(0);
  }

  @Option(
      names = "--key-password",
      paramLabel = "PASSWORD",
      description = "password of an encrypted --key: the text, env:NAME or file:PATH")
  String keyPassword;

  @Option(names = "--keystore", paramLabel = "FILE", description = "PKCS#12 or JKS keystore")
  Path keystore;

  @Option(
      names = "--password",
      paramLabel = "PASSWORD",
      description = "the --keystore password (also its key's): the text, env:NAME or file:PATH")
  String password;

  @Option(names = "--alias", paramLabel = "NAME", description = "the keystore entry to use")
  String alias;

  @Option(
      names = "--cert-fingerprint",
      paramLabel = "HEX",
      description = "the keystore entry whose certificate has this SHA-256 or SHA-1 fingerprint")
  String certFingerprint;

  /** Several --cert/--key pairs: a server chooses among them by SNI. */
  boolean several() {
    return certs.size() > 1;
  }

  /**
   * The --key-password, read, or null; for loading several pairs with one password.
   *
   * @throws CliException (usage) for an env: or file: password that cannot be read
   */
  char[] keyPassword() {
    return keyPassword == null ? null : Secrets.read(keyPassword, "--key-password");
  }

  /**
   * Checks the options together, as {@link #load()} does, for a server that loads several pairs
   * itself.
   */
  void checkPairs() {
    check();
  }

  /** Whether any key option was given. */
  boolean given() {
    return cert != null || key != null || keystore != null;
  }

  /**
   * The key material the options name, or null when none was given.
   *
   * @throws CliException (usage) for options that do not fit together
   * @throws io.niotls.context.TlsConfigException for files, passwords, aliases and fingerprints
   *     that do not work; its message names the file and says why
   */
  KeyMaterial load() {
    check();
    if (certs.size() > 1) {
      throw CliException.usage(
          certs.size()
              + " --cert/--key pairs: only a tls:// server serves several certificates (chosen by"
              + " SNI); give one");
    }
    if (cert != null) {
      char[] secret = keyPassword == null ? null : Secrets.read(keyPassword, "--key-password");
      return KeyMaterial.fromPem(cert, key, secret);
    }
    if (keystore != null) {
      KeySelector selector =
          alias != null
              ? KeySelector.alias(alias)
              : certFingerprint != null
                  ? KeySelector.fingerprint(certFingerprint)
                  : KeySelector.any();
      char[] secret = password == null ? null : Secrets.read(password, "--password");
      return KeyMaterial.fromKeyStore(keystore, secret, selector);
    }
    return null;
  }

  /** The key material the options name, or a fresh self-signed certificate for this machine. */
  KeyMaterial loadOrGenerate(KeyType keyType) {
    KeyMaterial given = load();
    return given != null
        ? given
        : CertificateGenerator.selfSigned(keyType, LOCAL_NAMES).keyMaterial();
  }

  private void check() {
    if (cert != null && keystore != null) {
      throw CliException.usage("give either --cert/--key or --keystore, not both");
    }
    if (cert != null && key == null) {
      throw CliException.usage("--cert needs --key: the private key of that certificate");
    }
    if (key != null && cert == null) {
      throw CliException.usage("--key needs --cert: the certificate chain of that key");
    }
    if (certs.size() != keyFiles.size()) {
      throw CliException.usage(
          "--cert and --key come in pairs, the n-th --key for the n-th --cert: got "
              + certs.size()
              + " --cert and "
              + keyFiles.size()
              + " --key");
    }
    if (keyPassword != null && key == null) {
      throw CliException.usage("--key-password is the password of --key; give --cert and --key");
    }
    if (keystore == null) {
      for (String[] option :
          new String[][] {
            {"--password", password}, {"--alias", alias}, {"--cert-fingerprint", certFingerprint}
          }) {
        if (option[1] != null) {
          throw CliException.usage(option[0] + " selects from a keystore: give --keystore too");
        }
      }
    }
    if (alias != null && certFingerprint != null) {
      throw CliException.usage("give --alias or --cert-fingerprint, not both");
    }
  }

  /** Passwords from the command line, the environment or a file. */
  static final class Secrets {
    private Secrets() {}

    static char[] read(String spec, String option) {
      if (spec.startsWith("env:")) {
        String name = spec.substring(4);
        String value = System.getenv(name);
        if (value == null) {
          throw CliException.usage(option + " env:" + name + ": no such environment variable");
        }
        return value.toCharArray();
      }
      if (spec.startsWith("file:")) {
        Path file = Path.of(spec.substring(5));
        try {
          String text = Files.readString(file, StandardCharsets.UTF_8);
          int end = text.indexOf('\n');
          return (end < 0 ? text : text.substring(0, end)).replace("\r", "").toCharArray();
        } catch (IOException e) {
          String why = e instanceof NoSuchFileException ? "no such file" : e.toString();
          throw CliException.usage(option + " file:" + file + ": cannot read it (" + why + ")");
        }
      }
      return spec.toCharArray();
    }
  }
}
