package io.niotls.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.certs.CertificateGenerator;
import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.certs.GeneratedCertificate;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class KeyMaterialTest {
  private static final String SECRET = "correct horse battery";
  private static final char[] PASSWORD = SECRET.toCharArray();
  private static final char[] WRONG = "wrong-password".toCharArray();

  private static GeneratedCertificate root;
  private static GeneratedCertificate intermediate;
  private static final Map<KeyType, GeneratedCertificate> LEAVES = new EnumMap<>(KeyType.class);
  private static final Map<String, GeneratedCertificate> ENTRIES = new LinkedHashMap<>();

  @TempDir Path dir;

  @BeforeAll
  static void generate() {
    root = CertificateGenerator.ca("niotls test root").generate();
    intermediate = CertificateGenerator.ca("niotls test intermediate").issuer(root).generate();
    for (KeyType type : KeyType.values()) {
      LEAVES.put(
          type,
          CertificateGenerator.leaf("localhost").keyType(type).issuer(intermediate).generate());
    }
    for (String alias : List.of("alpha", "bravo", "charlie")) {
      ENTRIES.put(alias, CertificateGenerator.leaf(alias + ".test").issuer(root).generate());
    }
  }

  // --- PEM key forms -----------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void unencryptedPkcs8KeyLoadsAndMatchesItsCertificate(KeyType type) throws IOException {
    GeneratedCertificate leaf = LEAVES.get(type);
    Path key = dir.resolve("key.pem");
    leaf.writePrivateKeyPem(key);

    KeyMaterial material = KeyMaterial.fromPem(certificatePem(leaf), key);

    assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
    assertSameIdentity(material, leaf);
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void encryptedPkcs8KeyLoadsWithItsPassword(KeyType type) throws IOException {
    GeneratedCertificate leaf = LEAVES.get(type);
    Path key = dir.resolve("key.pem");
    leaf.writeEncryptedPrivateKeyPem(key, PASSWORD);

    KeyMaterial material = KeyMaterial.fromPem(certificatePem(leaf), key, PASSWORD);

    assertThat(Files.readString(key)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
    assertSameIdentity(material, leaf);
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void traditionalKeyLoadsAndMatchesItsCertificate(KeyType type) throws IOException {
    GeneratedCertificate leaf = LEAVES.get(type);
    Path key = dir.resolve("key.pem");
    leaf.writeTraditionalPrivateKeyPem(key);

    KeyMaterial material = KeyMaterial.fromPem(certificatePem(leaf), key);

    String header = type == KeyType.RSA_2048 ? "RSA PRIVATE KEY" : "EC PRIVATE KEY";
    assertThat(Files.readString(key)).startsWith("-----BEGIN " + header + "-----");
    assertSameIdentity(material, leaf);
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void opensslEncryptedTraditionalKeyLoadsWithItsPassword(KeyType type) throws IOException {
    GeneratedCertificate leaf = LEAVES.get(type);
    Path key = writeEncryptedTraditionalKey(leaf, PASSWORD);

    KeyMaterial material = KeyMaterial.fromPem(certificatePem(leaf), key, PASSWORD);

    assertThat(Files.readString(key)).contains("Proc-Type: 4,ENCRYPTED", "DEK-Info: AES-256-CBC");
    assertSameIdentity(material, leaf);
  }

  @Test
  void chainAndKeyMayShareOneFile() throws IOException {
    GeneratedCertificate leaf = LEAVES.get(KeyType.EC_P256);
    Path key = dir.resolve("key.pem");
    leaf.writePrivateKeyPem(key);
    Path both = dir.resolve("both.pem");
    Files.writeString(both, Files.readString(key) + Files.readString(certificatePem(leaf)));

    KeyMaterial material = KeyMaterial.fromPem(both, both);

    assertSameIdentity(material, leaf);
  }

  @Test
  void bouncyCastleIsNeverRegisteredWithTheJdk() {
    GeneratedCertificate leaf = LEAVES.get(KeyType.EC_P256);
    Path key = dir.resolve("key.pem");
    leaf.writeEncryptedPrivateKeyPem(key, PASSWORD);

    KeyMaterial.fromPem(certificatePem(leaf), key, PASSWORD);

    assertThat(Security.getProvider("BC")).isNull();
  }

  // --- PEM errors ----------------------------------------------------------------------------

  @Test
  void encryptedPkcs8KeyWithAWrongPasswordIsRejected() {
    GeneratedCertificate leaf = LEAVES.get(KeyType.EC_P256);
    Path key = dir.resolve("key.pem");
    leaf.writeEncryptedPrivateKeyPem(key, PASSWORD);

    assertThatThrownBy(() -> KeyMaterial.fromPem(certificatePem(leaf), key, WRONG))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("wrong password for the private key in " + key)
        .message()
        .doesNotContain(new String(WRONG));
  }

  @Test
  void encryptedTraditionalKeyWithAWrongPasswordIsRejected() throws IOException {
    GeneratedCertificate leaf = LEAVES.get(KeyType.RSA_2048);
    Path key = writeEncryptedTraditionalKey(leaf, PASSWORD);

    assertThatThrownBy(() -> KeyMaterial.fromPem(certificatePem(leaf), key, WRONG))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("wrong password for the private key in " + key);
  }

  @Test
  void encryptedKeyWithoutAPasswordIsRejected() {
    GeneratedCertificate leaf = LEAVES.get(KeyType.EC_P256);
    Path key = dir.resolve("key.pem");
    leaf.writeEncryptedPrivateKeyPem(key, PASSWORD);

    assertThatThrownBy(() -> KeyMaterial.fromPem(certificatePem(leaf), key))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("the private key in " + key + " is encrypted: give its password");
  }

  @Test
  void keyOfAnotherCertificateIsRejected() {
    GeneratedCertificate leaf = LEAVES.get(KeyType.EC_P256);
    Path key = dir.resolve("key.pem");
    ENTRIES.get("alpha").writePrivateKeyPem(key);
    Path certificate = certificatePem(leaf);

    assertThatThrownBy(() -> KeyMaterial.fromPem(certificate, key))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining(
            "the private key in "
                + key
                + " does not belong to the certificate CN=localhost in "
                + certificate);
  }

  @Test
  void keyOfAnotherAlgorithmIsRejectedAsNotBelonging() {
    Path key = dir.resolve("key.pem");
    LEAVES.get(KeyType.RSA_2048).writePrivateKeyPem(key);

    assertThatThrownBy(() -> KeyMaterial.fromPem(certificatePem(LEAVES.get(KeyType.EC_P256)), key))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("does not belong to the certificate CN=localhost");
  }

  @Test
  void chainWithTheLeafNotFirstIsRejectedWithAHint() throws IOException {
    GeneratedCertificate leaf = LEAVES.get(KeyType.EC_P256);
    Path key = dir.resolve("key.pem");
    leaf.writePrivateKeyPem(key);
    Path reversed = dir.resolve("reversed.pem");
    writePem(reversed, intermediate.certificate(), leaf.certificate());

    assertThatThrownBy(() -> KeyMaterial.fromPem(reversed, key))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("does not belong to the certificate CN=niotls test intermediate")
        .hasMessageContaining("it belongs to certificate #2")
        .hasMessageContaining("put the leaf certificate first");
  }

  @Test
  void missingCertificateFileIsNamed() {
    Path key = dir.resolve("key.pem");
    LEAVES.get(KeyType.EC_P256).writePrivateKeyPem(key);
    Path missing = dir.resolve("missing.pem");

    assertThatThrownBy(() -> KeyMaterial.fromPem(missing, key))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("certificate file " + missing + " does not exist");
  }

  @Test
  void missingKeyFileIsNamed() {
    Path missing = dir.resolve("missing-key.pem");

    assertThatThrownBy(
            () -> KeyMaterial.fromPem(certificatePem(LEAVES.get(KeyType.EC_P256)), missing))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("private key file " + missing + " does not exist");
  }

  @Test
  void directoryGivenAsKeyFileIsRejected() {
    assertThatThrownBy(() -> KeyMaterial.fromPem(certificatePem(LEAVES.get(KeyType.EC_P256)), dir))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("private key file " + dir + " is a directory, not a file");
  }

  @Test
  void certificateFileWithoutACertificateIsRejected() {
    Path key = dir.resolve("key.pem");
    LEAVES.get(KeyType.EC_P256).writePrivateKeyPem(key);

    assertThatThrownBy(() -> KeyMaterial.fromPem(key, key))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("no certificate in " + key)
        .hasMessageContaining("it holds a private key but no -----BEGIN CERTIFICATE----- block");
  }

  @Test
  void keyFileWithoutAKeyIsRejected() {
    Path certificate = certificatePem(LEAVES.get(KeyType.EC_P256));

    assertThatThrownBy(() -> KeyMaterial.fromPem(certificate, certificate))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("no private key in " + certificate)
        .hasMessageContaining("-----BEGIN PRIVATE KEY-----");
  }

  @Test
  void keyFileThatIsNotPemIsRejected() throws IOException {
    Path key = Files.writeString(dir.resolve("key.txt"), "just some text\n");

    assertThatThrownBy(() -> KeyMaterial.fromPem(certificatePem(LEAVES.get(KeyType.EC_P256)), key))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("private key file " + key + " is not a PEM file: expected")
        .hasMessageContaining("-----BEGIN ENCRYPTED PRIVATE KEY-----");
  }

  // --- key and chain in memory ---------------------------------------------------------------

  @Test
  void chainIsLeafFirstInFileOrder() {
    GeneratedCertificate leaf = LEAVES.get(KeyType.EC_P256);
    Path key = dir.resolve("key.pem");
    leaf.writePrivateKeyPem(key);

    KeyMaterial material = KeyMaterial.fromPem(certificatePem(leaf), key);

    assertThat(material.chain())
        .containsExactly(leaf.certificate(), intermediate.certificate(), root.certificate());
    assertThat(material.certificate()).isEqualTo(leaf.certificate());
  }

  @Test
  void pemMaterialHasNoAliasAndTheLeafsSha256() {
    GeneratedCertificate leaf = LEAVES.get(KeyType.EC_P256);
    Path key = dir.resolve("key.pem");
    leaf.writePrivateKeyPem(key);

    KeyMaterial material = KeyMaterial.fromPem(certificatePem(leaf), key);

    assertThat(material.alias()).isNull();
    assertThat(material.fingerprint()).isEqualTo(leaf.sha256());
  }

  @Test
  void ofAcceptsAKeyWithItsChain() {
    GeneratedCertificate leaf = LEAVES.get(KeyType.RSA_2048);

    KeyMaterial material =
        KeyMaterial.of(leaf.privateKey(), leaf.certificate(), intermediate.certificate());

    assertThat(material.chain()).containsExactly(leaf.certificate(), intermediate.certificate());
  }

  @Test
  void ofRejectsAKeyOfAnotherCertificate() {
    X509Certificate certificate = LEAVES.get(KeyType.EC_P256).certificate();

    assertThatThrownBy(() -> KeyMaterial.of(root.privateKey(), certificate))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("the private key does not belong to the certificate CN=localhost");
  }

  @Test
  void ofRejectsAnEmptyChain() {
    assertThatThrownBy(() -> KeyMaterial.of(root.privateKey()))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("no certificate given with the private key");
  }

  @Test
  void toStringNamesTheCertificateButNotTheKey() {
    KeyMaterial material = LEAVES.get(KeyType.EC_P256).keyMaterial();

    assertThat(material.toString())
        .contains("CN=localhost", material.fingerprint().toString())
        .doesNotContain(material.privateKey().toString());
  }

  // --- keystores -----------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"PKCS12", "JKS"})
  void keyEntryIsSelectedByAlias(String type) {
    Path store = threeEntryStore(type);

    KeyMaterial material = KeyMaterial.fromKeyStore(store, PASSWORD, KeySelector.alias("bravo"));

    assertThat(material.alias()).isEqualTo("bravo");
    assertSameIdentity(material, ENTRIES.get("bravo"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"PKCS12", "JKS"})
  void keyEntryIsSelectedBySha1Fingerprint(String type) {
    Path store = threeEntryStore(type);
    String sha1 = ENTRIES.get("charlie").sha1().hex().toUpperCase().replaceAll("(..)(?!$)", "$1:");

    KeyMaterial material = KeyMaterial.fromKeyStore(store, PASSWORD, KeySelector.fingerprint(sha1));

    assertThat(material.alias()).isEqualTo("charlie");
    assertSameIdentity(material, ENTRIES.get("charlie"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"PKCS12", "JKS"})
  void keyEntryIsSelectedBySha256Fingerprint(String type) {
    Path store = threeEntryStore(type);
    Fingerprint sha256 = ENTRIES.get("alpha").sha256();

    KeyMaterial material =
        KeyMaterial.fromKeyStore(store, PASSWORD, KeySelector.fingerprint(sha256.toString()));

    assertThat(material.alias()).isEqualTo("alpha");
    assertSameIdentity(material, ENTRIES.get("alpha"));
  }

  @Test
  void aliasIsMatchedIgnoringCase() {
    Path store = threeEntryStore("PKCS12");

    KeyMaterial material = KeyMaterial.fromKeyStore(store, PASSWORD, KeySelector.alias("BRAVO"));

    assertSameIdentity(material, ENTRIES.get("bravo"));
  }

  @Test
  void anySelectsTheOnlyKeyEntry() {
    GeneratedCertificate leaf = LEAVES.get(KeyType.RSA_2048);
    Path store = dir.resolve("one.p12");
    leaf.writePkcs12(store, PASSWORD, "server");

    KeyMaterial material = KeyMaterial.fromKeyStore(store, PASSWORD, KeySelector.any());

    assertThat(material.alias()).isEqualTo("server");
    assertSameIdentity(material, leaf);
  }

  @Test
  void keystoreChainIsLeafFirst() {
    GeneratedCertificate leaf = LEAVES.get(KeyType.EC_P256);
    Path store = dir.resolve("one.p12");
    leaf.writePkcs12(store, PASSWORD, "server");

    KeyMaterial material = KeyMaterial.fromKeyStore(store, PASSWORD, KeySelector.any());

    assertThat(material.chain())
        .containsExactly(leaf.certificate(), intermediate.certificate(), root.certificate());
  }

  @Test
  void anyWithSeveralKeyEntriesListsThem() {
    Path store = threeEntryStore("PKCS12");

    assertThatThrownBy(() -> KeyMaterial.fromKeyStore(store, PASSWORD, KeySelector.any()))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("keystore " + store + " holds 3 key entries")
        .hasMessageContaining("choose one by alias or fingerprint")
        .hasMessageContaining(listing("alpha"))
        .hasMessageContaining(listing("bravo"))
        .hasMessageContaining(listing("charlie"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"PKCS12", "JKS"})
  void unknownAliasListsEveryKeyEntry(String type) {
    Path store = threeEntryStore(type);

    assertThatThrownBy(() -> KeyMaterial.fromKeyStore(store, PASSWORD, KeySelector.alias("delta")))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("no key entry matches alias \"delta\" in keystore " + store)
        .hasMessageContaining(listing("alpha"))
        .hasMessageContaining(listing("bravo"))
        .hasMessageContaining(listing("charlie"));
  }

  @Test
  void unknownFingerprintListsEveryKeyEntry() {
    Path store = threeEntryStore("JKS");
    Fingerprint elsewhere = root.sha1();

    assertThatThrownBy(
            () -> KeyMaterial.fromKeyStore(store, PASSWORD, KeySelector.fingerprint(elsewhere)))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("no key entry matches fingerprint " + elsewhere)
        .hasMessageContaining(listing("alpha"))
        .hasMessageContaining(listing("charlie"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"PKCS12", "JKS"})
  void wrongKeystorePasswordIsRejected(String type) {
    Path store = threeEntryStore(type);

    assertThatThrownBy(() -> KeyMaterial.fromKeyStore(store, WRONG, KeySelector.alias("alpha")))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("wrong password for keystore " + store)
        .message()
        .doesNotContain(new String(WRONG));
  }

  @Test
  void keyPasswordOtherThanTheStorePasswordIsRejected() throws Exception {
    GeneratedCertificate leaf = LEAVES.get(KeyType.EC_P256);
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    keyStore.load(null, null);
    keyStore.setKeyEntry(
        "server",
        leaf.privateKey(),
        "other".toCharArray(),
        new X509Certificate[] {leaf.certificate()});
    Path store = dir.resolve("split.p12");
    try (OutputStream out = Files.newOutputStream(store)) {
      keyStore.store(out, PASSWORD);
    }

    assertThatThrownBy(() -> KeyMaterial.fromKeyStore(store, PASSWORD, KeySelector.any()))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("cannot recover key entry server in keystore " + store)
        .hasMessageContaining("the key password must be the keystore password");
  }

  @Test
  void keystoreWithoutAPasswordIsRejected() {
    Path store = threeEntryStore("PKCS12");

    assertThatThrownBy(() -> KeyMaterial.fromKeyStore(store, null, KeySelector.alias("alpha")))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("no password given for keystore " + store);
  }

  @Test
  void missingKeystoreIsNamed() {
    Path missing = dir.resolve("missing.p12");

    assertThatThrownBy(() -> KeyMaterial.fromKeyStore(missing, PASSWORD, KeySelector.any()))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("keystore " + missing + " does not exist");
  }

  @Test
  void pemFileGivenAsKeystoreIsRejected() {
    Path pem = certificatePem(LEAVES.get(KeyType.EC_P256));

    assertThatThrownBy(() -> KeyMaterial.fromKeyStore(pem, PASSWORD, KeySelector.any()))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining(
            pem + " is not a keystore: expected a PKCS#12 (.p12, .pfx) or JKS file")
        .hasMessageContaining("it looks like a PEM file");
  }

  @Test
  void keystoreWithOnlyCertificatesHasNoKeyEntry() throws Exception {
    Path store = dir.resolve("trust.p12");
    try (OutputStream out = Files.newOutputStream(store)) {
      Pem.trustStore(List.of(root.certificate())).store(out, PASSWORD);
    }

    assertThatThrownBy(() -> KeyMaterial.fromKeyStore(store, PASSWORD, KeySelector.any()))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("keystore " + store + " has no private key entry");
  }

  @Test
  void fingerprintSelectorRejectsWhatIsNotAFingerprint() {
    assertThatThrownBy(() -> KeySelector.fingerprint("server"))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("expected 40 (SHA-1) or 64 (SHA-256) hex digits")
        .hasMessageContaining("\"server\"");
  }

  @Test
  void selectorsDescribeThemselves() {
    Fingerprint sha1 = root.sha1();

    assertThat(KeySelector.any()).hasToString("the only key entry");
    assertThat(KeySelector.alias("server")).hasToString("alias \"server\"");
    assertThat(KeySelector.fingerprint(sha1)).hasToString("fingerprint " + sha1);
  }

  // --- helpers -------------------------------------------------------------------------------

  private Path certificatePem(GeneratedCertificate certificate) {
    Path file = dir.resolve("chain.pem");
    certificate.writeCertificatePem(file);
    return file;
  }

  private Path threeEntryStore(String type) {
    Path file = dir.resolve("three." + type.toLowerCase());
    GeneratedCertificate.writeKeyStore(file, type, PASSWORD, ENTRIES);
    return file;
  }

  private static String listing(String alias) {
    GeneratedCertificate entry = ENTRIES.get(alias);
    return alias + " (" + entry.sha256() + ", CN=" + alias + ".test)";
  }

  private Path writeEncryptedTraditionalKey(GeneratedCertificate certificate, char[] password)
      throws IOException {
    Path file = dir.resolve("traditional-encrypted.pem");
    certificate.writeEncryptedTraditionalPrivateKeyPem(file, password);
    return file;
  }

  private static void writePem(Path file, Object... objects) throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
        JcaPEMWriter pem = new JcaPEMWriter(out)) {
      for (Object o : objects) {
        pem.writeObject(o);
      }
    }
  }

  private static void assertSameIdentity(KeyMaterial material, GeneratedCertificate expected) {
    assertThat(material.certificate()).isEqualTo(expected.certificate());
    assertThat(secret(material.privateKey())).isEqualTo(secret(expected.privateKey()));
    assertThat(KeyMaterial.belongsTo(material.privateKey(), material.certificate())).isTrue();
  }

  private static BigInteger secret(PrivateKey key) {
    return key instanceof ECPrivateKey
        ? ((ECPrivateKey) key).getS()
        : ((RSAPrivateKey) key).getPrivateExponent();
  }
}
