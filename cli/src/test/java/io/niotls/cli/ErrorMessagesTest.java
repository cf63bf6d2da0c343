package io.niotls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator;
import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.certs.GeneratedCertificate;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad input ends in one line, {@code niotls: <message>}, exit code 2, nothing on
 * stdout and no stack trace.
 */
class ErrorMessagesTest {
  @TempDir static Path dir;
  static GeneratedCertificate server;
  static GeneratedCertificate other;
  static Path cert;
  static Path key;
  static Path encryptedKey;
  static Path keystore;

  @BeforeAll
  static void files() {
    server = CertificateGenerator.selfSigned(KeyType.EC_P256, "localhost", "127.0.0.1");
    other = CertificateGenerator.selfSigned(KeyType.EC_P256, "other.test");
    cert = dir.resolve("server.pem");
    key = dir.resolve("server.key");
    encryptedKey = dir.resolve("server-encrypted.key");
    keystore = dir.resolve("server.p12");
    server.writeCertificatePem(cert);
    server.writePrivateKeyPem(key);
    server.writeEncryptedPrivateKeyPem(encryptedKey, "secret".toCharArray());
    GeneratedCertificate.writeKeyStore(
        keystore, "PKCS12", "storepass".toCharArray(), Map.of("server", server, "other", other));
  }

  /**
   * Runs the command and returns its one error line, after checking the rules every error keeps.
   */
  private static String error(String... args) {
    Cli.Result r = Cli.run(args);
    assertThat(r.code()).as("exit code of %s", String.join(" ", args)).isEqualTo(Main.USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("niotls: ").endsWith(System.lineSeparator());
    assertThat(r.err().strip()).doesNotContain("\n").doesNotContain("\tat ");
    return r.err().strip();
  }

  @Test
  void noCommandAsksForOne() {
    assertThat(error())
        .isEqualTo("niotls: give a command: server, client or bench (see 'niotls --help')");
  }

  @Test
  void anUnknownCommandIsNamed() {
    assertThat(error("serve")).startsWith("niotls: Unmatched argument at index 0: 'serve'");
  }

  @Test
  void anUnknownOptionIsNamedWithWhereToLook() {
    assertThat(error("server", "--frobnicate"))
        .isEqualTo("niotls: Unknown option: '--frobnicate' (see 'niotls server --help')");
  }

  @Test
  void aBadUriSaysWhatIsWrong() {
    assertThat(error("server", "foo://127.0.0.1:1"))
        .startsWith("niotls: bad transport URI \"foo://127.0.0.1:1\": unknown scheme \"foo\"");
    assertThat(error("client", "tls://127.0.0.1"))
        .isEqualTo(
            "niotls: bad transport URI \"tls://127.0.0.1\": port is missing; expected"
                + " scheme://host:port, e.g. tls://example.com:443");
  }

  @Test
  void anInsecureSchemeIsRefused() {
    assertThat(error("server", "sslv3://127.0.0.1:0"))
        .contains("sslv3:// is refused: SSLv3 is insecure");
  }

  @Test
  void anInsecureProtocolIsRefused() {
    assertThat(error("server", "--protocols", "TLSv1.1", "tls://127.0.0.1:0"))
        .isEqualTo(
            "niotls: TLSv1.1 is insecure and unsupported: niotls speaks TLSv1.3 and TLSv1.2 only"
                + " (RFC 8996 deprecates TLS 1.0/1.1; SSL is broken)");
  }

  @Test
  void protocolsThatContradictTheSchemeAreRefused() {
    assertThat(error("client", "--protocols", "TLSv1.3", "tlsv1.2://127.0.0.1:1"))
        .isEqualTo(
            "niotls: --protocols TLSv1.3 contradicts tlsv1.2://, which allows TLSv1.2 only; use"
                + " tls:// or drop --protocols");
  }

  @Test
  void aBadDurationShowsTheAcceptedForms() {
    assertThat(error("server", "--handshake-timeout", "2x"))
        .isEqualTo(
            "niotls: Invalid value for option '--handshake-timeout': '2x' is not a duration:"
                + " write a whole number and a unit, e.g. 500ms, 2s, 1m or 1h"
                + " (see 'niotls server --help')");
    assertThat(error("bench", "--duration", "10")).contains("'10' is not a duration (add a unit)");
    assertThat(error("server", "--handshake-timeout", "0s"))
        .isEqualTo("niotls: --handshake-timeout must be more than 0, e.g. 2s");
  }

  @Test
  void anUnknownProviderListsTheKnownOnes() {
    assertThat(error("client", "--provider", "nss", "tls://127.0.0.1:1"))
        .isEqualTo(
            "niotls: Invalid value for option '--provider': expected one of [JDK, OPENSSL, BORINGSSL, AUTO]"
                + " (case-insensitive) but was 'nss' (see 'niotls client --help')");
  }

  @Test
  void aMissingCertificateFileIsNamed() {
    Path missing = dir.resolve("missing.pem");
    assertThat(error("server", "--cert", missing.toString(), "--key", key.toString()))
        .isEqualTo("niotls: certificate file " + missing + " does not exist");
  }

  @Test
  void aMissingKeyFileIsNamed() {
    Path missing = dir.resolve("missing.key");
    assertThat(error("server", "--cert", cert.toString(), "--key", missing.toString()))
        .contains(missing.toString())
        .endsWith("does not exist");
  }

  @Test
  void aDirectoryGivenAsCertificateIsNamed() {
    assertThat(error("server", "--cert", dir.toString(), "--key", key.toString()))
        .isEqualTo("niotls: certificate file " + dir + " is a directory, not a file");
  }

  @Test
  void aFileThatIsNotPemIsNamed() throws Exception {
    Path notes = dir.resolve("notes.txt");
    java.nio.file.Files.writeString(notes, "not a certificate\n");
    assertThat(error("server", "--cert", notes.toString(), "--key", key.toString()))
        .startsWith("niotls: ")
        .contains(notes.toString())
        .contains("is not a PEM file");
  }

  @Test
  void aCertificateWithoutKeyIsRefused() {
    assertThat(error("server", "--cert", cert.toString()))
        .isEqualTo("niotls: --cert needs --key: the private key of that certificate");
  }

  @Test
  void anEncryptedKeyNeedsItsPassword() {
    assertThat(error("server", "--cert", cert.toString(), "--key", encryptedKey.toString()))
        .isEqualTo(
            "niotls: the private key in " + encryptedKey + " is encrypted: give its password");
    assertThat(
            error(
                "server",
                "--cert",
                cert.toString(),
                "--key",
                encryptedKey.toString(),
                "--key-password",
                "wrong"))
        .startsWith("niotls: wrong password for the private key in " + encryptedKey);
  }

  @Test
  void theKeyOfAnotherCertificateIsRefused() {
    Path otherKey = dir.resolve("other.key");
    other.writePrivateKeyPem(otherKey);
    assertThat(error("server", "--cert", cert.toString(), "--key", otherKey.toString()))
        .startsWith(
            "niotls: the private key in " + otherKey + " does not belong to the certificate");
  }

  @Test
  void aWrongKeystorePasswordIsSaid() {
    assertThat(error("server", "--keystore", keystore.toString(), "--password", "nope"))
        .isEqualTo(
            "niotls: wrong password for keystore "
                + keystore
                + ": give the password it was saved with");
  }

  @Test
  void aKeystoreWithTwoKeysNeedsAChoice() {
    assertThat(error("server", "--keystore", keystore.toString(), "--password", "storepass"))
        .startsWith("niotls: keystore " + keystore + " holds 2 key entries; choose one by alias")
        .contains(server.sha256().toString());
  }

  @Test
  void anUnknownAliasListsTheEntries() {
    assertThat(
            error(
                "server",
                "--keystore",
                keystore.toString(),
                "--password",
                "storepass",
                "--alias",
                "nope"))
        .startsWith("niotls: no key entry matches alias \"nope\" in keystore " + keystore)
        .contains("server (" + server.sha256());
  }

  @Test
  void anUnknownFingerprintListsTheEntries() {
    String absent = "sha256:" + "00".repeat(32);
    assertThat(
            error(
                "server",
                "--keystore",
                keystore.toString(),
                "--password",
                "storepass",
                "--cert-fingerprint",
                absent))
        .startsWith("niotls: no key entry matches fingerprint " + absent);
  }

  @Test
  void aMalformedFingerprintIsQuoted() {
    assertThat(
            error(
                "server",
                "--keystore",
                keystore.toString(),
                "--password",
                "storepass",
                "--cert-fingerprint",
                "xyz"))
        .startsWith("niotls: not a certificate fingerprint: \"xyz\"");
    assertThat(error("client", "--pin", "sha256:abc", "tls://127.0.0.1:1"))
        .startsWith("niotls: not a certificate fingerprint: \"sha256:abc\"");
  }

  @Test
  void keystoreSelectorsWithoutAKeystoreAreRefused() {
    assertThat(error("server", "--alias", "server"))
        .isEqualTo("niotls: --alias selects from a keystore: give --keystore too");
    assertThat(error("server", "--cert-fingerprint", server.sha256().toString()))
        .isEqualTo("niotls: --cert-fingerprint selects from a keystore: give --keystore too");
  }

  @Test
  void pemAndKeystoreTogetherAreRefused() {
    assertThat(
            error(
                "server",
                "--cert",
                cert.toString(),
                "--key",
                key.toString(),
                "--keystore",
                keystore.toString()))
        .isEqualTo("niotls: give either --cert/--key or --keystore, not both");
  }

  @Test
  void clientAuthNeedsTrust() {
    assertThat(error("server", "--client-auth", "require"))
        .isEqualTo(
            "niotls: --client-auth require needs --trust PEM (or --CApath DIR): the CA certificates"
                + " that sign client certificates");
  }

  @Test
  void startTlsNeedsAPlaintextUri() {
    assertThat(error("server", "--starttls", "smtp", "tls://127.0.0.1:0"))
        .startsWith("niotls: --starttls smtp needs a tcp:// URI");
    assertThat(error("client", "--starttls", "smtp", "tls://127.0.0.1:25"))
        .startsWith("niotls: --starttls smtp needs a tcp:// URI");
  }

  @Test
  void keyOptionsOnAPlaintextServerAreRefused() {
    assertThat(
            error(
                "server", "--cert", cert.toString(), "--key", key.toString(), "tcp://127.0.0.1:0"))
        .isEqualTo(
            "niotls: tcp://127.0.0.1:0 is plaintext: key and client-auth options need tls:// or"
                + " --starttls smtp|imap|pop3|ftp");
  }

  @Test
  void theClientNeedsAUri() {
    assertThat(error("client"))
        .isEqualTo("niotls: Missing required parameter: 'URI' (see 'niotls client --help')");
  }

  @Test
  void insecureContradictsPins() {
    assertThat(
            error("client", "--insecure", "--pin", server.sha256().toString(), "tls://127.0.0.1:1"))
        .isEqualTo("niotls: --insecure accepts any certificate, which contradicts --pin; drop one");
  }

  @Test
  void benchCountsMustBePositive() {
    assertThat(error("bench", "--connections", "0"))
        .isEqualTo("niotls: --connections must be at least 1");
    assertThat(error("bench", "--concurrency", "0"))
        .isEqualTo("niotls: --concurrency must be at least 1");
    assertThat(error("bench", "--warmup", "-1")).isEqualTo("niotls: --warmup must be 0 or more");
  }

  @Test
  void benchKeyIsForTheEmbeddedServerOnly() {
    assertThat(error("bench", "--key", "rsa", "tls://127.0.0.1:1"))
        .isEqualTo("niotls: --key chooses the embedded server's key: drop it or the URI");
    assertThat(error("bench", "--key", "dsa"))
        .startsWith("niotls: Invalid value for option '--key': expected one of [EC, RSA]");
  }

  @Test
  void benchNeedsATlsTarget() {
    assertThat(error("bench", "tcp://127.0.0.1:1"))
        .isEqualTo(
            "niotls: bench measures TLS handshakes: give a tls:// URI, not tcp://127.0.0.1:1");
  }

  @Test
  void aPasswordFromAnUnsetVariableIsNamed() {
    assertThat(
            error(
                "server",
                "--keystore",
                keystore.toString(),
                "--password",
                "env:NIOTLS_TEST_SURELY_UNSET"))
        .isEqualTo("niotls: --password env:NIOTLS_TEST_SURELY_UNSET: no such environment variable");
  }
}
