package io.niotls.context;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.X509TrustedCertificateBlock;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads certificates, private keys and keystores from files, with errors a person can act on: each
 * names the file and says what was expected. Stateless and thread-safe.
 *
 * <p>BouncyCastle parses PEM and decrypts keys, but it is handed to its builders as an object and
 * is never registered with {@code Security.addProvider}: that would change what the JDK's own TLS
 * stack picks. The keys and certificates returned are the JDK's own types.
 */
public final class Pem {
  private static final String KEY_BLOCKS =
      "-----BEGIN PRIVATE KEY-----, -----BEGIN ENCRYPTED PRIVATE KEY-----,"
          + " -----BEGIN RSA PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----";

  private Pem() {}

  /**
   * Every certificate in a PEM file, in file order (for a chain: leaf first). Text around the PEM
   * blocks is ignored; a single DER certificate is accepted too.
   *
   * @throws TlsConfigException if the file is missing, unreadable, not PEM, corrupt, or holds no
   *     certificate
   */
  public static List<X509Certificate> readCertificates(Path file) {
    String what = "certificate file";
    byte[] bytes = read(file, what);
    List<Object> objects = parse(file, bytes, what);
    List<X509Certificate> certificates = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    for (Object o : objects) {
      X509CertificateHolder holder =
          o instanceof X509TrustedCertificateBlock
              ? ((X509TrustedCertificateBlock) o).getCertificateHolder()
              : o instanceof X509CertificateHolder ? (X509CertificateHolder) o : null;
      if (holder != null) {
        try {
          certificates.add(converter.getCertificate(holder));
        } catch (CertificateException e) {
          throw new TlsConfigException("corrupt certificate in " + file + ": " + reason(e), e);
        }
      }
    }
    if (objects.isEmpty()) {
      certificates.addAll(readDer(bytes));
      if (certificates.isEmpty()) {
        throw new TlsConfigException(
            what
                + " "
                + file
                + " is not a PEM file: expected one or more"
                + " -----BEGIN CERTIFICATE----- blocks");
      }
    } else if (certificates.isEmpty()) {
      throw new TlsConfigException(
          "no certificate in "
              + file
              + ": it holds "
              + describe(objects.get(0))
              + " but no -----BEGIN CERTIFICATE----- block");
    }
    return List.copyOf(certificates);
  }

  /**
   * An in-memory keystore holding {@code certificates} as trusted certificate entries, ready for
   * {@code TrustManagerFactory.init(KeyStore)}.
   *
   * @throws TlsConfigException if the list is empty
   */
  public static KeyStore trustStore(List<X509Certificate> certificates) {
    if (certificates.isEmpty()) {
      throw new TlsConfigException(
          "no trusted certificates given: a trust store needs at least one certificate");
    }
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int index = 0;
      for (X509Certificate certificate : certificates) {
        store.setCertificateEntry("trusted-" + index++, Objects.requireNonNull(certificate));
      }
      return store;
    } catch (KeyStoreException | IOException | NoSuchAlgorithmException | CertificateException e) {
      throw new IllegalStateException("cannot create an in-memory keystore", e);
    }
  }

  /**
   * Loads a PKCS#12 or JKS keystore, recognised by its content rather than its file name.
   *
   * @param password the store password; may be null for a trust store without integrity check
   * @throws TlsConfigException if the file is missing, unreadable, not a keystore, corrupt, or the
   *     password is wrong
   */
  public static KeyStore loadKeyStore(Path file, char[] password) {
    byte[] bytes = read(file, "keystore");
    try {
      return KeyStore.getInstance(file.toFile(), password);
    } catch (KeyStoreException e) {
      String hint =
          new String(bytes, StandardCharsets.ISO_8859_1).contains("-----BEGIN")
              ? " (it looks like a PEM file: load it as PEM instead)"
              : "";
      throw new TlsConfigException(
          file + " is not a keystore: expected a PKCS#12 (.p12, .pfx) or JKS file" + hint, e);
    } catch (IOException e) {
      if (e.getCause() instanceof UnrecoverableKeyException) {
        throw new TlsConfigException(
            "wrong password for keystore " + file + ": give the password it was saved with", e);
      }
      throw new TlsConfigException(
          "keystore " + file + " is corrupt or truncated: " + reason(e), e);
    } catch (NoSuchAlgorithmException | CertificateException e) {
      throw new TlsConfigException(
          "keystore " + file + " cannot be loaded on this JDK: " + reason(e), e);
    }
  }

  /**
   * The one private key in a PEM file (other blocks, such as certificates, are skipped).
   *
   * @param password needed for an encrypted key; null or empty means none was given
   */
  static PrivateKey readPrivateKey(Path file, char[] password) {
    String what = "private key file";
    List<Object> objects = parse(file, read(file, what), what);
    List<Object> keys = new ArrayList<>();
    for (Object o : objects) {
      if (isPrivateKey(o)) {
        keys.add(o);
      }
    }
    if (objects.isEmpty()) {
      throw new TlsConfigException(
          what + " " + file + " is not a PEM file: expected " + KEY_BLOCKS);
    }
    if (keys.isEmpty()) {
      throw new TlsConfigException(
          "no private key in "
              + file
              + ": it holds "
              + describe(objects.get(0))
              + " but no "
              + KEY_BLOCKS);
    }
    if (keys.size() > 1) {
      throw new TlsConfigException(
          file
              + " holds "
              + keys.size()
              + " private keys: keep only the one that belongs to the certificate");
    }
    PrivateKeyInfo info = decrypt(file, keys.get(0), password);
    try {
      return new JcaPEMKeyConverter().getPrivateKey(info);
    } catch (IOException e) {
      throw new TlsConfigException(
          "cannot decode the private key in " + file + ": " + reason(e), e);
    }
  }

  private static PrivateKeyInfo decrypt(Path file, Object key, char[] password) {
    if (key instanceof PrivateKeyInfo) {
      return (PrivateKeyInfo) key;
    }
    if (key instanceof PEMKeyPair) {
      return ((PEMKeyPair) key).getPrivateKeyInfo();
    }
    if (password == null || password.length == 0) {
      throw new TlsConfigException(
          "the private key in " + file + " is encrypted: give its password");
    }
    try {
      if (key instanceof PKCS8EncryptedPrivateKeyInfo) {
        return ((PKCS8EncryptedPrivateKeyInfo) key)
            .decryptPrivateKeyInfo(
                new JceOpenSSLPKCS8DecryptorProviderBuilder()
                    .setProvider(bouncyCastle())
                    .build(password));
      }
      return ((PEMEncryptedKeyPair) key)
          .decryptKeyPair(
              new JcePEMDecryptorProviderBuilder().setProvider(bouncyCastle()).build(password))
          .getPrivateKeyInfo();
    } catch (Exception e) {
      // A wrong password shows up as bad padding, or (rarely) as garbage that fails to parse.
      throw new TlsConfigException(
          "wrong password for the private key in " + file + " (or the key is corrupt)", e);
    }
  }

  /** Reads a whole file, turning every way it can fail into a message naming it. */
  static byte[] read(Path file, String what) {
    Objects.requireNonNull(file, what);
    String shown = file.isAbsolute() ? file.toString() : file + " (" + file.toAbsolutePath() + ")";
    if (!Files.exists(file)) {
      throw new TlsConfigException(what + " " + shown + " does not exist");
    }
    if (Files.isDirectory(file)) {
      throw new TlsConfigException(what + " " + shown + " is a directory, not a file");
    }
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new TlsConfigException(
          "cannot read " + what + " " + shown + ": " + e + "; check its permissions", e);
    }
  }

  private static List<Object> parse(Path file, byte[] bytes, String what) {
    List<Object> objects = new ArrayList<>();
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    try (PEMParser parser = new PEMParser(new StringReader(text))) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        objects.add(o);
      }
    } catch (IOException | RuntimeException e) {
      throw new TlsConfigException(
          what
              + " "
              + file
              + " holds corrupt or unsupported PEM content ("
              + reason(e)
              + "): expected certificates and "
              + KEY_BLOCKS,
          e);
    }
    return objects;
  }

  private static List<X509Certificate> readDer(byte[] bytes) {
    if (bytes.length == 0 || bytes[0] != 0x30) {
      return List.of();
    }
    try {
      List<X509Certificate> certificates = new ArrayList<>();
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Certificate c : factory.generateCertificates(new ByteArrayInputStream(bytes))) {
        certificates.add((X509Certificate) c);
      }
      return certificates;
    } catch (CertificateException | RuntimeException e) {
      return List.of();
    }
  }

  private static String reason(Exception e) {
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  private static boolean isPrivateKey(Object pemObject) {
    return pemObject instanceof PrivateKeyInfo
        || pemObject instanceof PEMKeyPair
        || pemObject instanceof PKCS8EncryptedPrivateKeyInfo
        || pemObject instanceof PEMEncryptedKeyPair;
  }

  private static String describe(Object pemObject) {
    if (isPrivateKey(pemObject)) {
      return "a private key";
    }
    if (pemObject instanceof X509CertificateHolder
        || pemObject instanceof X509TrustedCertificateBlock) {
      return "a certificate";
    }
    return "an unexpected PEM block (" + pemObject.getClass().getSimpleName() + ")";
  }

  /** BouncyCastle as an object for its builders; created once, on first use, never registered. */
  static Provider bouncyCastle() {
    return BouncyCastleHolder.PROVIDER;
  }

  private static final class BouncyCastleHolder {
    static final Provider PROVIDER = new BouncyCastleProvider();
  }
}
