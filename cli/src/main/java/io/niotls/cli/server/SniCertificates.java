package io.niotls.cli.server;

import io.niotls.context.KeyMaterial;
import io.niotls.context.SniMapping;
import io.niotls.context.TlsConfigException;
import io.niotls.context.TlsContext;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The certificates of {@code niotls server --cert A --key A --cert B --key B ...}: each pair read
 * and checked (the key must match its certificate), each certificate serving the names it holds
 * (DNS subject alternative names, else a host name as CN), all mapped by name ({@link SniMapping}).
 * The first pair is the default, for clients without SNI or with a name no certificate holds (or,
 * with {@code --sni-strict}, only for those without SNI); a later pair holding exactly the same
 * names with another key type is a default too, for clients that cannot verify the first's.
 *
 * <p>A name may be held by one certificate per key type (an EC and an RSA certificate for one name:
 * each client gets the one it can verify); held twice by one key type it is refused, naming both
 * files.
 *
 * @param mapping what the server serves
 * @param lines what to print at start, one per certificate: {@code sni sha256:<hex> EC P-256 a.pem:
 *     a.test, *.a.test (default)}
 */
public record SniCertificates(SniMapping mapping, List<String> lines) {

  /**
   * Reads the pairs and maps their names.
   *
   * @param certs the --cert files, in order
   * @param keys the --key files, the n-th for the n-th certificate
   * @param password of the keys, or null
   * @param context builds a server context for one pair's key material, with every other option
   * @throws TlsConfigException for a file that cannot be read, a key that does not match its
   *     certificate, a certificate that names no host, or a name held twice by one key type; the
   *     message names the files
   */
  public static SniCertificates load(
      List<Path> certs,
      List<Path> keys,
      char[] password,
      Function<KeyMaterial, TlsContext> context,
      boolean strict) {
    List<KeyMaterial> materials = new ArrayList<>();
    List<List<String>> names = new ArrayList<>();
    Map<String, Path> holders = new HashMap<>(); // "name|key type" -> the --cert holding it
    for (int i = 0; i < certs.size(); i++) {
      Path cert = certs.get(i);
      KeyMaterial material = KeyMaterial.fromPem(cert, keys.get(i), password);
      List<String> held;
      try {
        held = SniMapping.namesOf(material.certificate());
      } catch (TlsConfigException e) {
        throw new TlsConfigException("--cert " + cert + ": " + e.getMessage());
      }
      String type = keyType(material);
      for (String name : held) {
        // RSA keys of any size are one type to the mapping; EC keys are one per curve
        String family = type.startsWith("RSA ") ? "RSA" : type;
        Path other = holders.putIfAbsent(name + "|" + family, cert);
        if (other != null) {
          throw new TlsConfigException(
              "the name "
                  + name
                  + " is in two "
                  + type
                  + " certificates, --cert "
                  + other
                  + " and --cert "
                  + cert
                  + ": a name may have one certificate per key type; leave it out of one");
        }
      }
      materials.add(material);
      names.add(held);
    }
    List<TlsContext> contexts = materials.stream().map(context).toList();
    List<TlsContext> otherDefaults = new ArrayList<>();
    for (int i = 1; i < contexts.size(); i++) {
      if (names.get(i).equals(names.get(0))) {
        otherDefaults.add(contexts.get(i));
      }
    }
    SniMapping.Builder mapping =
        SniMapping.withDefault(contexts.get(0), otherDefaults.toArray(TlsContext[]::new))
            .sniStrict(strict);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < contexts.size(); i++) {
      for (String name : names.get(i)) {
        mapping.add(name, contexts.get(i));
      }
      boolean isDefault = i == 0 || otherDefaults.contains(contexts.get(i));
      lines.add(
          "sni "
              + materials.get(i).fingerprint()
              + " "
              + keyType(materials.get(i))
              + " "
              + certs.get(i).getFileName()
              + ": "
              + String.join(", ", names.get(i))
              + (isDefault ? " (default" + (strict ? ", sni-strict" : "") + ")" : ""));
    }
    return new SniCertificates(mapping.build(), List.copyOf(lines));
  }

  /** {@code EC P-256}, {@code RSA 2048}, {@code Ed25519}: how the lines and messages name keys. */
  static String keyType(KeyMaterial material) {
    PublicKey key = material.certificate().getPublicKey();
    if (key instanceof ECPublicKey ec) {
      return "EC P-" + ec.getParams().getCurve().getField().getFieldSize();
    }
    if (key instanceof RSAPublicKey rsa) {
      return "RSA " + rsa.getModulus().bitLength();
    }
    return key.getAlgorithm();
  }
}
