package io.niotls.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContextBuilder;
import io.niotls.testing.ChildProcess;
import io.niotls.testing.Contexts;
import io.niotls.testing.TestPki;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A fleet of two niotls servers behind one name, judged by {@code openssl s_client}: a session
 * saved from one ({@code -sess_out}) resumes on the other ({@code -sess_in} → {@code Reused}) when
 * both have the same ticket key file, and not when their keys differ; rotation keeps old tickets
 * good; tickets off sends no NewSessionTicket. TLS 1.3 and 1.2, on both BoringSSL providers (the
 * JDK's cannot take ticket keys: {@code SessionSettingsTest}).
 */
class TicketKeysFleetTest {
  private static final Duration LIMIT = Duration.ofSeconds(20);
  private static final String PING = "ping-the-fleet";

  @TempDir Path dir;

  static Stream<Arguments> providersAndProtocols() {
    List<Arguments> all = new ArrayList<>();
    for (Provider provider : new Provider[] {Provider.BORINGSSL, Provider.OPENSSL}) {
      for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) {
        all.add(Arguments.of(provider, protocol));
      }
    }
    return all.stream();
  }

  @BeforeEach
  void ca() {
    TestPki.ec().ca().writeCertificatePem(dir.resolve("ca.pem"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("providersAndProtocols")
  void aSessionFromOneServerResumesOnAnotherWithTheSameKeyFile(Provider provider, String protocol)
      throws Exception {
    Path key = keyFile("shared.key");
    try (EchoServer a = EchoServer.start(server(provider, protocol).ticketKeys(key).build());
        EchoServer b = EchoServer.start(server(provider, protocol).ticketKeys(key).build())) {
      assertThat(sessionOut(a.port(), protocol)).startsWith("New, " + protocol);
      assertThat(sessionIn(b.port(), protocol)).startsWith("Reused, " + protocol);
    }
  }

  /**
   * Both versions: in TLS 1.2 BoringSSL resumes only with the suite it would choose anew, so both
   * providers must choose by the server's order (the BORINGSSL context sets
   * SSL_OP_CIPHER_SERVER_PREFERENCE, as Netty's engine does); openssl's default order differs from
   * ours, so a client-order choice would make the second server's handshake a full one.
   */
  @ParameterizedTest(name = "from {0} to the other, {1}")
  @CsvSource({"BORINGSSL, TLSv1.3", "OPENSSL, TLSv1.3", "BORINGSSL, TLSv1.2", "OPENSSL, TLSv1.2"})
  void aFleetMayMixTheTwoBoringSslProviders(Provider provider, String protocol) throws Exception {
    Provider other = provider == Provider.BORINGSSL ? Provider.OPENSSL : Provider.BORINGSSL;
    Path key = keyFile("mixed.key");
    try (EchoServer a = EchoServer.start(server(provider, protocol).ticketKeys(key).build());
        EchoServer b = EchoServer.start(server(other, protocol).ticketKeys(key).build())) {
      assertThat(sessionOut(a.port(), protocol)).startsWith("New, " + protocol);
      assertThat(sessionIn(b.port(), protocol)).startsWith("Reused, " + protocol);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("providersAndProtocols")
  void aSessionDoesNotResumeOnAServerWithOtherKeys(Provider provider, String protocol)
      throws Exception {
    try (EchoServer a =
            EchoServer.start(server(provider, protocol).ticketKeys(keyFile("a.key")).build());
        EchoServer b =
            EchoServer.start(server(provider, protocol).ticketKeys(keyFile("b.key")).build())) {
      assertThat(sessionOut(a.port(), protocol)).startsWith("New, " + protocol);
      assertThat(sessionIn(b.port(), protocol)).startsWith("New, " + protocol);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("providersAndProtocols")
  void duringARotationTicketsOfTheOldKeyResumeAndTheNewKeyAloneRefusesThem(
      Provider provider, String protocol) throws Exception {
    Path old = keyFile("old.key");
    Path next = keyFile("new.key");
    try (EchoServer before = EchoServer.start(server(provider, protocol).ticketKeys(old).build());
        EchoServer rotating =
            EchoServer.start(server(provider, protocol).ticketKeys(next, old).build());
        EchoServer after = EchoServer.start(server(provider, protocol).ticketKeys(next).build())) {
      assertThat(sessionOut(before.port(), protocol)).startsWith("New, " + protocol);
      assertThat(sessionIn(rotating.port(), protocol)).startsWith("Reused, " + protocol);
      assertThat(sessionIn(after.port(), protocol)).startsWith("New, " + protocol);
    }
  }

  /**
   * The key file is nginx's layout: the ticket openssl saved opens with bytes 16-31 of the file as
   * the AES-128-CBC key and bytes 32-47 as the HMAC-SHA256 key, and carries bytes 0-15 as its name.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("providersAndProtocols")
  void theTicketIsEncryptedWithTheFilesKeysInNginxsLayout(Provider provider, String protocol)
      throws Exception {
    Path key = keyFile("layout.key");
    byte[] file = Files.readAllBytes(key);
    try (EchoServer a = EchoServer.start(server(provider, protocol).ticketKeys(key).build())) {
      sessionOut(a.port(), protocol);
    }
    byte[] ticket = ticketOf(dir.resolve("session.pem"));
    byte[] name = Arrays.copyOfRange(ticket, 0, 16);
    byte[] iv = Arrays.copyOfRange(ticket, 16, 32);
    byte[] body = Arrays.copyOfRange(ticket, 32, ticket.length - 32);
    byte[] tag = Arrays.copyOfRange(ticket, ticket.length - 32, ticket.length);
    assertThat(name).isEqualTo(Arrays.copyOfRange(file, 0, 16));

    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Arrays.copyOfRange(file, 32, 48), "HmacSHA256"));
    byte[] expected = mac.doFinal(Arrays.copyOfRange(ticket, 0, ticket.length - 32));
    assertThat(MessageDigest.isEqual(expected, tag)).as("the HMAC key is bytes 32-47").isTrue();

    Cipher aes = Cipher.getInstance("AES/CBC/PKCS5Padding");
    aes.init(
        Cipher.DECRYPT_MODE,
        new SecretKeySpec(Arrays.copyOfRange(file, 16, 32), "AES"),
        new IvParameterSpec(iv));
    byte[] session = aes.doFinal(body);
    assertThat(session[0]).as("a DER SSL_SESSION: a SEQUENCE").isEqualTo((byte) 0x30);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("providersAndProtocols")
  void withTicketsOffOpensslSeesNoNewSessionTicket(Provider provider, String protocol)
      throws Exception {
    // the control has keys: Netty's engine, unlike BoringSSL's default, issues TLS 1.2 tickets
    // only when given keys
    Path key = keyFile("control.key");
    try (EchoServer on = EchoServer.start(server(provider, protocol).ticketKeys(key).build());
        EchoServer off =
            EchoServer.start(server(provider, protocol).sessionTickets(false).build())) {
      assertThat(messages(on.port(), protocol)).as("the control").contains("NewSessionTicket");
      String said = messages(off.port(), protocol);
      assertThat(said).contains("Finished").doesNotContain("NewSessionTicket");
      if ("TLSv1.3".equals(protocol)) {
        // TLS 1.3 resumes from tickets only: nothing was saved to resume
        assertThat(dir.resolve("session.pem")).doesNotExist();
      } else {
        // TLS 1.2 resumes by session ID from that one server's cache, never elsewhere
        assertThat(text(dir.resolve("session.pem"))).doesNotContain("TLS session ticket:");
      }
    }
  }

  private static TlsContextBuilder server(Provider provider, String protocol) {
    return Contexts.server(provider, KeyType.EC_P256).protocols(protocol);
  }

  private Path keyFile(String name) throws Exception {
    byte[] key = new byte[48];
    new SecureRandom().nextBytes(key);
    return Files.write(dir.resolve(name), key);
  }

  /** A first connection that saves its session; returns s_client's New/Reused line. */
  private String sessionOut(int port, String protocol) throws Exception {
    Files.deleteIfExists(dir.resolve("session.pem"));
    try (ChildProcess client = sClient(port, protocol, "-sess_out", "session.pem")) {
      String line = client.awaitLine(l -> l.startsWith("New,") || l.startsWith("Reused,"), LIMIT);
      client.sendLine(PING);
      client.await(PING, LIMIT); // echoed: a server that holds its TLS 1.3 tickets has written
      awaitFile(dir.resolve("session.pem"));
      client.endInput();
      assertThat(client.waitFor(LIMIT)).as(client.err()).isZero();
      return line;
    }
  }

  /** A second connection offering the saved session; returns s_client's New/Reused line. */
  private String sessionIn(int port, String protocol) throws Exception {
    try (ChildProcess client = sClient(port, protocol, "-sess_in", "session.pem")) {
      String line = client.awaitLine(l -> l.startsWith("New,") || l.startsWith("Reused,"), LIMIT);
      client.sendLine(PING);
      client.await(PING, LIMIT);
      client.endInput();
      assertThat(client.waitFor(LIMIT)).as(client.err()).isZero();
      return line;
    }
  }

  /** Every handshake message of one connection as {@code s_client -msg} prints them. */
  private String messages(int port, String protocol) throws Exception {
    Files.deleteIfExists(dir.resolve("session.pem"));
    try (ChildProcess client = sClient(port, protocol, "-msg", "-sess_out", "session.pem")) {
      client.awaitLine(l -> l.startsWith("New,") || l.startsWith("Reused,"), LIMIT);
      client.sendLine(PING);
      client.await(PING, LIMIT); // after the server's first write: every ticket it had is out
      client.endInput();
      assertThat(client.waitFor(LIMIT)).as(client.err()).isZero();
      return client.out();
    }
  }

  private ChildProcess sClient(int port, String protocol, String... more) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + port,
                "-servername",
                "localhost",
                "-CAfile",
                "ca.pem",
                "-verify_return_error",
                "TLSv1.3".equals(protocol) ? "-tls1_3" : "-tls1_2"));
    command.addAll(List.of(more));
    return ChildProcess.inDirectory(dir, command.toArray(new String[0]));
  }

  private static void awaitFile(Path file) throws Exception {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (!(Files.exists(file) && Files.size(file) > 0) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(file).as("openssl saved the session it got").isNotEmptyFile();
  }

  private static final Pattern HEX_LINE =
      Pattern.compile("^\\s*[0-9a-f]{4} - ((?:[0-9a-f]{2}[ -]){0,15}[0-9a-f]{2})");

  /** The ticket in a saved session, from {@code openssl sess_id -text}'s hex dump. */
  private byte[] ticketOf(Path session) throws Exception {
    ByteArrayOutputStream ticket = new ByteArrayOutputStream();
    boolean inTicket = false;
    for (String line : text(session).lines().toList()) {
      if (line.contains("TLS session ticket:")) {
        inTicket = true;
        continue;
      }
      Matcher m = HEX_LINE.matcher(line);
      if (inTicket && m.find()) {
        ticket.writeBytes(HexFormat.of().parseHex(m.group(1).replaceAll("[ -]", "")));
      } else if (inTicket) {
        break;
      }
    }
    assertThat(ticket.size()).as("a ticket in the saved session").isGreaterThan(64);
    return ticket.toByteArray();
  }

  private String text(Path session) throws Exception {
    try (ChildProcess text =
        ChildProcess.inDirectory(
            dir,
            "openssl",
            "sess_id",
            "-in",
            session.getFileName().toString(),
            "-noout",
            "-text")) {
      assertThat(text.waitFor(LIMIT)).isZero();
      return text.out();
    }
  }
}
