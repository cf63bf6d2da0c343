package io.niotls.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A test CA run by the {@code openssl} command itself, in a directory of its own: {@code openssl
 * ca} issues certificates (leaves, intermediates, an OCSP responder) and keeps its index.txt, from
 * which {@code openssl ocsp} answers and {@code openssl ca -gencrl} lists the revoked. So the
 * certificates, OCSP responses and CRLs niotls reads are OpenSSL's, not made by niotls's own code.
 */
public final class OpensslCa {
  private static final Duration LIMIT = Duration.ofSeconds(30);
  private static final String CONFIG =
      """
      [ ca ]
      default_ca = test_ca
      [ test_ca ]
      dir = .
      database = index.txt
      new_certs_dir = issued
      serial = serial
      crlnumber = crlnumber
      default_md = sha256
      default_days = 30
      default_crl_days = 7
      policy = any
      unique_subject = no
      copy_extensions = none
      [ any ]
      commonName = supplied
      [ leaf ]
      basicConstraints = critical,CA:FALSE
      subjectAltName = DNS:localhost
      keyUsage = critical,digitalSignature,keyEncipherment
      extendedKeyUsage = serverAuth,clientAuth
      [ responder ]
      basicConstraints = critical,CA:FALSE
      keyUsage = critical,digitalSignature
      extendedKeyUsage = OCSPSigning
      [ intermediate ]
      basicConstraints = critical,CA:TRUE
      keyUsage = critical,keyCertSign,cRLSign
      """;

  private final Path dir;
  private final String name;

  private OpensslCa(Path dir, String name) {
    this.dir = dir;
    this.name = name;
  }

  /** A root CA with an RSA 2048 key, named {@code name}, in {@code dir} (made if needed). */
  public static OpensslCa root(Path dir, String name) throws Exception {
    Files.createDirectories(dir.resolve("issued"));
    Files.writeString(dir.resolve("ca.cnf"), CONFIG);
    Files.writeString(dir.resolve("index.txt"), "");
    Files.writeString(dir.resolve("serial"), "1000\n");
    Files.writeString(dir.resolve("crlnumber"), "1000\n");
    run(
        dir,
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "30",
        "-subj",
        "/CN=" + name,
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign");
    return new OpensslCa(dir, name);
  }

  /** This CA's certificate (PEM). */
  public Path certificate() {
    return dir.resolve("ca.pem");
  }

  /**
   * Issues a certificate for {@code name}: its key ({@code newkey}, as {@code openssl req -newkey}
   * takes it: {@code rsa:2048}, {@code ec -pkeyopt ec_paramgen_curve:P-256}) in {@code <file>.key},
   * the certificate in {@code <file>.pem}.
   *
   * @param profile leaf, responder or intermediate (a CA of its own: {@link #intermediate})
   */
  public Path issue(String file, String name, String profile, String... newkey) throws Exception {
    return issueSigned("sha256", file, name, profile, newkey);
  }

  /** {@link #issue}, signed with the digest {@code md} (sha1, sha256). */
  public Path issueSigned(String md, String file, String name, String profile, String... newkey)
      throws Exception {
    List<String> request = new ArrayList<>(List.of("openssl", "req", "-new", "-newkey"));
    request.addAll(List.of(newkey));
    request.addAll(
        List.of("-nodes", "-keyout", file + ".key", "-out", file + ".csr", "-subj", "/CN=" + name));
    run(dir, request.toArray(new String[0]));
    run(
        dir,
        "openssl",
        "ca",
        "-batch",
        "-notext",
        "-config",
        "ca.cnf",
        "-cert",
        "ca.pem",
        "-keyfile",
        "ca.key",
        "-md",
        md,
        "-extensions",
        profile,
        "-in",
        file + ".csr",
        "-out",
        file + ".pem");
    return dir.resolve(file + ".pem");
  }

  /** An EC P-256 leaf for localhost. */
  public Path leaf(String file) throws Exception {
    return issue(file, "localhost", "leaf", "ec", "-pkeyopt", "ec_paramgen_curve:P-256");
  }

  /** An intermediate CA issued by this one, running in {@code sub} (a directory of its own). */
  public OpensslCa intermediate(String name) throws Exception {
    Path sub = dir.resolve(name.replace(' ', '-'));
    issue("sub-" + name.replace(' ', '-'), name, "intermediate", "rsa:2048");
    Files.createDirectories(sub.resolve("issued"));
    Files.writeString(sub.resolve("ca.cnf"), CONFIG);
    Files.writeString(sub.resolve("index.txt"), "");
    Files.writeString(sub.resolve("serial"), "2000\n");
    Files.writeString(sub.resolve("crlnumber"), "2000\n");
    String file = "sub-" + name.replace(' ', '-');
    Files.copy(dir.resolve(file + ".pem"), sub.resolve("ca.pem"));
    Files.copy(dir.resolve(file + ".key"), sub.resolve("ca.key"));
    return new OpensslCa(sub, name);
  }

  /** The path of a file in this CA's directory. */
  public Path file(String name) {
    return dir.resolve(name);
  }

  /**
   * The OCSP response {@code openssl ocsp} gives for {@code certificate} (a file this CA issued),
   * from index.txt, signed by a responder certificate this CA issued for it; written to {@code
   * out}.
   */
  public Path ocspResponse(Path certificate, String out) throws Exception {
    if (!Files.exists(dir.resolve("responder.pem"))) {
      issue(
          "responder",
          name + " OCSP responder",
          "responder",
          "ec",
          "-pkeyopt",
          "ec_paramgen_curve:P-256");
    }
    run(
        dir,
        "openssl",
        "ocsp",
        "-issuer",
        "ca.pem",
        "-cert",
        certificate.toString(),
        "-no_nonce",
        "-reqout",
        out + ".req");
    run(
        dir,
        "openssl",
        "ocsp",
        "-index",
        "index.txt",
        "-rsigner",
        "responder.pem",
        "-rkey",
        "responder.key",
        "-CA",
        "ca.pem",
        "-reqin",
        out + ".req",
        "-respout",
        out,
        "-ndays",
        "7");
    return dir.resolve(out);
  }

  /** Revokes {@code certificate} in index.txt (openssl ca -revoke), for keyCompromise. */
  public void revoke(Path certificate) throws Exception {
    run(
        dir,
        "openssl",
        "ca",
        "-batch",
        "-config",
        "ca.cnf",
        "-cert",
        "ca.pem",
        "-keyfile",
        "ca.key",
        "-revoke",
        certificate.toString(),
        "-crl_reason",
        "keyCompromise");
  }

  /** The CRL of what index.txt says is revoked (openssl ca -gencrl), PEM, in {@code out}. */
  public Path crl(String out) throws Exception {
    run(
        dir,
        "openssl",
        "ca",
        "-batch",
        "-config",
        "ca.cnf",
        "-cert",
        "ca.pem",
        "-keyfile",
        "ca.key",
        "-gencrl",
        "-out",
        out);
    return dir.resolve(out);
  }

  /** Runs an openssl command in {@code dir}, failing with what it said unless it exits 0. */
  public static String run(Path dir, String... command) throws IOException, InterruptedException {
    try (ChildProcess process = ChildProcess.inDirectory(dir, command)) {
      int exit = process.waitFor(LIMIT);
      if (exit != 0) {
        throw new AssertionError(String.join(" ", command) + " failed: " + process.out());
      }
      return process.out();
    }
  }
}
