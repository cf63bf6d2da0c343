package io.niotls.context;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A private key with its certificate chain, leaf first: what a server (or a client doing mutual
 * TLS) presents. Immutable and thread-safe; every factory checks that the key belongs to the leaf
 * certificate, by signing a short message with the key and verifying it with the certificate.
 */
public final class KeyMaterial {
  private static final byte[] PROBE = "niotls key check".getBytes(StandardCharsets.US_ASCII);

  private final PrivateKey privateKey;
  private final List<X509Certificate> chain;
  private final String alias;
  private final Fingerprint fingerprint;

  KeyMaterial(PrivateKey privateKey, List<X509Certificate> chain, String alias) {
    this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
    this.chain = List.copyOf(chain);
    this.alias = alias;
    this.fingerprint = Fingerprint.sha256(this.chain.get(0));
  }

  /**
   * A key and its chain, leaf first.
   *
   * @throws TlsConfigException if the chain is empty or the key does not belong to its first
   *     certificate
   */
  public static KeyMaterial of(PrivateKey key, X509Certificate... chain) {
    Objects.requireNonNull(key, "key");
    if (chain.length == 0) {
      throw new TlsConfigException(
          "no certificate given with the private key: give its certificate chain, leaf first");
    }
    List<X509Certificate> list = List.of(chain);
    if (!belongsTo(key, list.get(0))) {
      throw new TlsConfigException(
          "the private key does not belong to the certificate "
              + subject(list.get(0))
              + orderHint(key, list, "the chain"));
    }
    return new KeyMaterial(key, list, null);
  }

  /**
   * Reads a certificate chain and its unencrypted private key from PEM files (they may be the same
   * file). For an encrypted key, {@link #fromPem(Path, Path, char[])}.
   *
   * @throws TlsConfigException naming the file for every problem, as the three-argument form does
   */
  public static KeyMaterial fromPem(Path certificateChainPem, Path privateKeyPem) {
    return fromPem(certificateChainPem, privateKeyPem, null);
  }

  /**
   * Reads a certificate chain and its private key from PEM files (they may be the same file).
   *
   * @param certificateChainPem one or more certificates, leaf first
   * @param privateKeyPem a PKCS#8 key ({@code BEGIN PRIVATE KEY} or {@code BEGIN ENCRYPTED PRIVATE
   *     KEY}) or a traditional OpenSSL one ({@code BEGIN RSA PRIVATE KEY}, {@code BEGIN EC PRIVATE
   *     KEY}, plain or encrypted with a {@code DEK-Info} header)
   * @param password the key's password; null (or empty) when it is not encrypted
   * @throws TlsConfigException naming the file for every problem: missing, unreadable, not PEM, no
   *     certificate, no key, encrypted without a password, wrong password, key of another
   *     certificate
   */
  public static KeyMaterial fromPem(Path certificateChainPem, Path privateKeyPem, char[] password) {
    List<X509Certificate> chain = Pem.readCertificates(certificateChainPem);
    PrivateKey key = Pem.readPrivateKey(privateKeyPem, password);
    if (!belongsTo(key, chain.get(0))) {
      throw new TlsConfigException(
          "the private key in "
              + privateKeyPem
              + " does not belong to the certificate "
              + subject(chain.get(0))
              + " in "
              + certificateChainPem
              + orderHint(key, chain, "that file"));
    }
    return new KeyMaterial(key, chain, null);
  }

  /**
   * Reads one key entry from a PKCS#12 or JKS keystore (the type is recognised by content). The
   * key's password is the store's password.
   *
   * @throws TlsConfigException if the store cannot be loaded (see {@link Pem#loadKeyStore}), holds
   *     no key entry, or {@code selector} does not pick exactly one; the message then lists every
   *     key entry as {@code alias (sha256:<hex>, CN=...)}
   */
  public static KeyMaterial fromKeyStore(Path keystore, char[] password, KeySelector selector) {
    Objects.requireNonNull(selector, "selector");
    if (password == null) {
      throw new TlsConfigException(
          "no password given for keystore " + keystore + ": its private key is protected by it");
    }
    KeyStore store = Pem.loadKeyStore(keystore, password);
    List<Entry> entries = keyEntries(store, keystore);
    if (entries.isEmpty()) {
      throw new TlsConfigException(
          "keystore "
              + keystore
              + " has no private key entry (is it a trust store?): put the private key and its"
              + " certificate chain in it");
    }
    List<Entry> chosen =
        entries.stream().filter(e -> selector.matches(e.alias(), e.leaf())).toList();
    if (chosen.size() != 1) {
      String listing = entries.stream().map(Entry::toString).collect(Collectors.joining(", "));
      if (chosen.isEmpty()) {
        throw new TlsConfigException(
            "no key entry matches "
                + selector
                + " in keystore "
                + keystore
                + "; its key entries are: "
                + listing);
      }
      String which = selector.isAny() ? "" : " that match " + selector;
      throw new TlsConfigException(
          "keystore "
              + keystore
              + " holds "
              + chosen.size()
              + " key entries"
              + which
              + "; choose one by alias or fingerprint: "
              + listing);
    }
    Entry entry = chosen.get(0);
    PrivateKey key = recoverKey(store, entry.alias(), keystore, password);
    if (!belongsTo(key, entry.leaf())) {
      throw new TlsConfigException(
          "the private key of entry "
              + entry.alias()
              + " in keystore "
              + keystore
              + " does not belong to its certificate "
              + subject(entry.leaf()));
    }
    return new KeyMaterial(key, entry.chain(), entry.alias());
  }

  public PrivateKey privateKey() {
    return privateKey;
  }

  /** The certificate chain, leaf first. */
  public List<X509Certificate> chain() {
    return chain;
  }

  /** The leaf certificate, the one the private key belongs to. */
  public X509Certificate certificate() {
    return chain.get(0);
  }

  /** The keystore alias this came from, or null when it did not come from a keystore. */
  public String alias() {
    return alias;
  }

  /** The SHA-256 fingerprint of the leaf certificate. */
  public Fingerprint fingerprint() {
    return fingerprint;
  }

  /** Names the leaf certificate; never shows the key. */
  @Override
  public String toString() {
    return "KeyMaterial["
        + (alias == null ? "" : alias + ", ")
        + subject(certificate())
        + ", "
        + fingerprint
        + ", chain of "
        + chain.size()
        + "]";
  }

  /** Whether {@code key} signs what {@code certificate}'s public key verifies. */
  static boolean belongsTo(PrivateKey key, X509Certificate certificate) {
    try {
      Signature signer = signature(key.getAlgorithm());
      signer.initSign(key);
      signer.update(PROBE);
      byte[] signed = signer.sign();
      Signature verifier = signature(key.getAlgorithm());
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(PROBE);
      return verifier.verify(signed);
    } catch (InvalidKeyException | SignatureException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot check a " + key.getAlgorithm() + " key", e);
    }
  }

  private static Signature signature(String keyAlgorithm) throws GeneralSecurityException {
    switch (keyAlgorithm) {
      case "RSA":
        return Signature.getInstance("SHA256withRSA");
      case "EC":
        return Signature.getInstance("SHA256withECDSA");
      case "EdDSA":
      case "Ed25519":
      case "Ed448":
        return Signature.getInstance(keyAlgorithm);
      case "DSA":
        return Signature.getInstance("SHA256withDSA");
      case "RSASSA-PSS":
        Signature pss = Signature.getInstance("RSASSA-PSS");
        pss.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
        return pss;
      default:
        throw new TlsConfigException(
            "unsupported private key algorithm "
                + keyAlgorithm
                + ": use an RSA, EC or Ed25519 key");
    }
  }

  private static String orderHint(PrivateKey key, List<X509Certificate> chain, String where) {
    for (int i = 1; i < chain.size(); i++) {
      if (belongsTo(key, chain.get(i))) {
        return "; it belongs to certificate #"
            + (i + 1)
            + " in "
            + where
            + " ("
            + subject(chain.get(i))
            + "): put the leaf certificate first";
      }
    }
    return "; give the key that was generated together with that certificate";
  }

  static String subject(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().getName();
  }

  private static List<Entry> keyEntries(KeyStore store, Path keystore) {
    try {
      List<Entry> entries = new ArrayList<>();
      for (String alias : Collections.list(store.aliases())) {
        if (!store.entryInstanceOf(alias, KeyStore.PrivateKeyEntry.class)) {
          continue;
        }
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate c : store.getCertificateChain(alias)) {
          chain.add((X509Certificate) c);
        }
        entries.add(new Entry(alias, chain));
      }
      entries.sort(Comparator.comparing(Entry::alias));
      return entries;
    } catch (KeyStoreException | ClassCastException e) {
      throw new TlsConfigException("cannot list the entries of keystore " + keystore, e);
    }
  }

  private static PrivateKey recoverKey(KeyStore store, String alias, Path keystore, char[] pw) {
    try {
      return (PrivateKey) store.getKey(alias, pw);
    } catch (UnrecoverableKeyException e) {
      throw new TlsConfigException(
          "cannot recover key entry "
              + alias
              + " in keystore "
              + keystore
              + " with the keystore"
              + " password: the key password must be the keystore password",
          e);
    } catch (KeyStoreException | NoSuchAlgorithmException e) {
      throw new TlsConfigException(
          "cannot read key entry " + alias + " in keystore " + keystore + ": " + e.getMessage(), e);
    }
  }

  private record Entry(String alias, List<X509Certificate> chain) {
    X509Certificate leaf() {
      return chain.get(0);
    }

    @Override
    public String toString() {
      return alias + " (" + Fingerprint.sha256(leaf()) + ", " + subject(leaf()) + ")";
    }
  }
}
