package io.niotls.certs;

import io.niotls.context.Fingerprint;
import io.niotls.context.KeyMaterial;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;

/**
 * A certificate made by {@link CertificateGenerator}, with its private key and its issuers, and the
 * ways to write them to files that OpenSSL, the JDK and {@link KeyMaterial} read. Immutable.
 *
 * <p>The private key files written here are for tests and demos: the unencrypted ones are not
 * protected in any way.
 */
public final class GeneratedCertificate {
  /** For PKCS#8 encryption only: the JDK has no PEM writer of its own. */
  private static final java.security.Provider BOUNCY_CASTLE =
      new org.bouncycastle.jce.provider.BouncyCastleProvider();

  private final KeyMaterial keyMaterial;

  GeneratedCertificate(KeyMaterial keyMaterial) {
    this.keyMaterial = keyMaterial;
  }

  /** The key with its chain: this certificate, then its issuer's chain up to the root. */
  public KeyMaterial keyMaterial() {
    return keyMaterial;
  }

  public X509Certificate certificate() {
    return keyMaterial.certificate();
  }

  public PrivateKey privateKey() {
    return keyMaterial.privateKey();
  }

  public Fingerprint sha256() {
    return Fingerprint.sha256(certificate());
  }

  public Fingerprint sha1() {
    return Fingerprint.sha1(certificate());
  }

  /** Writes the whole chain as PEM, this certificate first. */
  public void writeCertificatePem(Path file) {
    writePem(file, keyMaterial.chain().toArray());
  }

  /** Writes the key as unencrypted PKCS#8: {@code -----BEGIN PRIVATE KEY-----}. */
  public void writePrivateKeyPem(Path file) {
    try {
      writePem(file, new JcaPKCS8Generator(privateKey(), null));
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode the private key", e);
    }
  }

  /**
   * Writes the key as encrypted PKCS#8 ({@code -----BEGIN ENCRYPTED PRIVATE KEY-----}): PBES2 with
   * PBKDF2-HMAC-SHA256 and AES-256-CBC, as {@code openssl pkcs8 -topk8 -v2 aes256} does.
   */
  public void writeEncryptedPrivateKeyPem(Path file, char[] password) {
    Objects.requireNonNull(password, "password");
    try {
      OutputEncryptor encryptor =
          new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
              .setPRF(PKCS8Generator.PRF_HMACSHA256)
              .setProvider(BOUNCY_CASTLE)
              .setPassword(password)
              .build();
      writePem(file, new JcaPKCS8Generator(privateKey(), encryptor));
    } catch (IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot encrypt the private key", e);
    }
  }

  /**
   * Writes the key in OpenSSL's traditional form: {@code -----BEGIN RSA PRIVATE KEY-----} or {@code
   * -----BEGIN EC PRIVATE KEY-----}.
   */
  public void writeTraditionalPrivateKeyPem(Path file) {
    // Given a PrivateKeyInfo, JcaPEMWriter writes the algorithm-specific structure inside it.
    writePem(file, traditionalKeyInfo());
  }

  /**
   * Writes the private key in OpenSSL's traditional form, encrypted with AES-256-CBC under {@code
   * password} (a {@code DEK-Info} header), as {@code openssl ec -aes256} writes it.
   */
  public void writeEncryptedTraditionalPrivateKeyPem(Path file, char[] password) {
    Objects.requireNonNull(password, "password");
    try {
      writePem(
          file,
          new org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator(
              traditionalKeyInfo(),
              new org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder("AES-256-CBC")
                  .setProvider(BOUNCY_CASTLE)
                  .build(password)));
    } catch (IOException e) {
      throw new IllegalStateException("cannot encrypt the private key", e);
    }
  }

  /**
   * The key as PKCS#8 whose inner structure stands on its own as a traditional key. For EC the JDK
   * keeps the curve only in the PKCS#8 algorithm identifier, which {@code EC PRIVATE KEY} (RFC
   * 5915) does not have, so the curve and the public key are put inside.
   */
  private PrivateKeyInfo traditionalKeyInfo() {
    try {
      PrivateKeyInfo info = PrivateKeyInfo.getInstance(privateKey().getEncoded());
      if (!(privateKey() instanceof java.security.interfaces.ECPrivateKey)) {
        return info;
      }
      java.security.interfaces.ECPrivateKey key =
          (java.security.interfaces.ECPrivateKey) privateKey();
      ASN1Encodable curve = info.getPrivateKeyAlgorithm().getParameters();
      ECPrivateKey inner =
          new ECPrivateKey(
              key.getParams().getOrder().bitLength(),
              key.getS(),
              SubjectPublicKeyInfo.getInstance(certificate().getPublicKey().getEncoded())
                  .getPublicKeyData(),
              curve);
      return new PrivateKeyInfo(info.getPrivateKeyAlgorithm(), inner);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode the private key", e);
    }
  }

  /** Writes a PKCS#12 file with this key and chain under {@code alias}, key password = store's. */
  public void writePkcs12(Path file, char[] password, String alias) {
    writeKeyStore(file, "PKCS12", password, Map.of(alias, this));
  }

  /**
   * Writes a keystore of {@code type} ("PKCS12" or "JKS") holding each entry's key and chain under
   * its alias; every key is protected with the store password.
   */
  public static void writeKeyStore(
      Path file, String type, char[] password, Map<String, GeneratedCertificate> entries) {
    Objects.requireNonNull(password, "password");
    try {
      KeyStore store = KeyStore.getInstance(type);
      store.load(null, null);
      for (Map.Entry<String, GeneratedCertificate> entry : entries.entrySet()) {
        KeyMaterial material = entry.getValue().keyMaterial();
        store.setKeyEntry(
            entry.getKey(),
            material.privateKey(),
            password,
            material.chain().toArray(new X509Certificate[0]));
      }
      try (OutputStream out = Files.newOutputStream(file)) {
        store.store(out, password);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot write a " + type + " keystore", e);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write keystore " + file, e);
    }
  }

  @Override
  public String toString() {
    return "GeneratedCertificate["
        + certificate().getSubjectX500Principal().getName()
        + ", "
        + sha256()
        + "]";
  }

  private static void writePem(Path file, Object... objects) {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
        JcaPEMWriter pem = new JcaPEMWriter(out)) {
      for (Object o : objects) {
        pem.writeObject(o);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + file, e);
    }
  }
}
