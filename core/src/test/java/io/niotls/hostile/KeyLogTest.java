package io.niotls.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsConfigException;
import io.niotls.context.TlsContext;
import io.niotls.engine.Status;
import io.niotls.testing.Contexts;
import io.niotls.wire.TlsRecords;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The key log ({@code TlsContextBuilder.keyLog}): the secrets a niotls server logs decrypt the
 * records it sent, as Wireshark would with the file. The client is SunJSSE, so nothing of the
 * server's BoringSSL is on the other side; what is checked is the recorded ciphertext.
 */
class KeyLogTest {
  private static final int MAX_STEPS = 10_000;
  private static final byte[] MESSAGE = "the logged secrets decrypt this".getBytes();

  @TempDir Path dir;

  @ParameterizedTest(name = "{0} server")
  @EnumSource(
      value = Provider.class,
      names = {"BORINGSSL", "OPENSSL"})
  void theLoggedTls13SecretDecryptsTheServersApplicationRecord(Provider provider) throws Exception {
    Path file = dir.resolve("keys-" + provider + ".log");
    TlsContext server =
        Contexts.server(provider, KeyType.EC_P256).protocols("TLSv1.3").keyLog(file).build();
    byte[] fromServer = exchange(server, "TLSv1.3");

    List<String> lines = Files.readAllLines(file);
    assertThat(lines)
        .extracting(l -> l.split(" ")[0])
        .contains(
            "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
            "SERVER_HANDSHAKE_TRAFFIC_SECRET",
            "CLIENT_TRAFFIC_SECRET_0",
            "SERVER_TRAFFIC_SECRET_0");
    RecordSealer sealer = RecordSealer.tls13(secret(lines, "SERVER_TRAFFIC_SECRET_0"));
    List<byte[]> plaintexts = new ArrayList<>();
    for (Records.Parsed record : Records.parse(fromServer)) {
      if (record.type() == TlsRecords.APPLICATION_DATA) {
        // the handshake's encrypted records use other keys and do not open; tickets and our
        // message do, in order
        byte[] plain = sealer.unseal(Records.record(record.type(), record.body()));
        if (plain != null) {
          plaintexts.add(plain);
        }
      }
    }
    assertThat(plaintexts).as("records the logged secret opened").isNotEmpty();
    assertThat(plaintexts.get(plaintexts.size() - 1)).isEqualTo(MESSAGE);
    assertThat(Files.getPosixFilePermissions(file))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    server.close();
  }

  @ParameterizedTest(name = "{0} server")
  @EnumSource(
      value = Provider.class,
      names = {"BORINGSSL", "OPENSSL"})
  void aTls12SessionIsLoggedAsTheClientRandomOfItsHelloAndA48ByteMasterSecret(Provider provider)
      throws Exception {
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    TlsContext server =
        Contexts.server(provider, KeyType.EC_P256).protocols("TLSv1.2").keyLog(lines::add).build();
    ByteArrayOutputStream fromClient = new ByteArrayOutputStream();
    exchange(server, "TLSv1.2", fromClient);

    assertThat(lines).hasSize(1);
    String[] parts = lines.get(0).split(" ");
    assertThat(parts).hasSize(3);
    assertThat(parts[0]).isEqualTo("CLIENT_RANDOM");
    byte[] clientHello = Records.parse(fromClient.toByteArray()).get(0).body();
    byte[] random = new byte[32];
    System.arraycopy(clientHello, 4 + 2, random, 0, 32); // after the header and legacy version
    assertThat(parts[1]).isEqualTo(HexFormat.of().formatHex(random));
    assertThat(parts[2]).matches("[0-9a-f]{96}"); // the 48-byte master secret
    server.close();
  }

  @Test
  void theJdkProviderRefusesAKeyLogSayingItCannotExportSecrets() {
    assertThatThrownBy(
            () ->
                Contexts.server(Provider.JDK, KeyType.EC_P256)
                    .keyLog(dir.resolve("jdk.log"))
                    .build())
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("cannot export TLS secrets")
        .hasMessageContaining("BORINGSSL or OPENSSL");
  }

  @Test
  void aKeyLogFileThatCannotBeCreatedIsRefusedNamingIt() {
    Path inMissingDir = dir.resolve("no-such-dir").resolve("keys.log");
    assertThatThrownBy(
            () -> Contexts.server(Provider.BORINGSSL, KeyType.EC_P256).keyLog(inMissingDir))
        .isInstanceOf(TlsConfigException.class)
        .hasMessageContaining("cannot append to the key log file " + inMissingDir);
  }

  private static byte[] exchange(TlsContext serverContext, String protocol) {
    return exchange(serverContext, protocol, new ByteArrayOutputStream());
  }

  /**
   * A SunJSSE client (AES-128-GCM only, the suite {@link RecordSealer} speaks) and the server
   * handshake over memory; the server then writes {@link #MESSAGE}. Returns every byte the server
   * sent; what the client sent goes to {@code fromClient}.
   */
  private static byte[] exchange(
      TlsContext serverContext, String protocol, ByteArrayOutputStream fromClient) {
    TlsContext clientContext =
        Contexts.client(Provider.JDK, KeyType.EC_P256)
            .protocols(protocol)
            .cipherSuites("TLS_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")
            .build();
    ByteArrayOutputStream fromServer = new ByteArrayOutputStream();
    try (Victim client = Victim.of(clientContext);
        Victim server = Victim.of(serverContext)) {
      Status c = Status.WANT_READ;
      Status s = Status.WANT_READ;
      for (int step = 0; step < MAX_STEPS && (c != Status.OK || s != Status.OK); step++) {
        c = c == Status.OK ? c : client.handshake();
        move(client, server, fromClient);
        s = s == Status.OK ? s : server.handshake();
        move(server, client, fromServer);
        assertThat(c.isFatal() || s.isFatal()).as("%s / %s", client.why(), server.why()).isFalse();
      }
      assertThat(s).isEqualTo(Status.OK);
      assertThat(server.engine.write(ByteBuffer.wrap(MESSAGE))).isEqualTo(MESSAGE.length);
      move(server, client, fromServer);
      ByteBuffer got = ByteBuffer.allocate(64 * 1024);
      for (int step = 0; step < 100 && got.position() < MESSAGE.length; step++) {
        client.engine.read(got);
        move(client, server, fromClient);
        server.engine.read(ByteBuffer.allocate(1024)); // a client's post-handshake bytes, if any
        move(server, client, fromServer);
      }
      assertThat(new String(got.array(), 0, got.position(), StandardCharsets.UTF_8))
          .as("the client read the message")
          .isEqualTo(new String(MESSAGE, StandardCharsets.UTF_8));
    }
    return fromServer.toByteArray();
  }

  private static void move(Victim from, Victim to, ByteArrayOutputStream record) {
    byte[] bytes = from.output();
    record.writeBytes(bytes);
    to.feed(bytes);
  }

  private static byte[] secret(List<String> lines, String label) {
    for (String line : lines) {
      String[] parts = line.split(" ");
      if (parts[0].equals(label)) {
        return HexFormat.of().parseHex(parts[2]);
      }
    }
    throw new AssertionError("no " + label + " in the key log " + lines);
  }
}
