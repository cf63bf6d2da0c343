package io.niotls.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.testing.MemoryPair;
import io.niotls.testing.Peers;
import io.niotls.transport.MemoryTransport;
import io.niotls.wire.TlsRecords;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Failures the provider decides: its own fatal alert goes out, and nothing hangs. */
class ProviderAlertTest {

  /**
   * ClientHellos a parser must refuse: lengths that claim more than the message holds, a message
   * cut short. Each is refused with a fatal alert alone on the wire (no user_canceled or
   * close_notify in its place): BoringSSL sends decode_error itself; JDK 17's SunJSSE, which has no
   * handshake under way yet, sends none, and niotls sends decode_error; newer SunJSSE sends its own
   * internal_error.
   */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    // version, random, session id, suites, compression, extensions
    "JDK, cipher suites longer than the hello, 0303 RANDOM 00 fffe1301 0100",
    "OPENSSL, cipher suites longer than the hello, 0303 RANDOM 00 fffe1301 0100",
    "JDK, session id longer than the hello, 0303 RANDOM ff00 00021301 0100",
    "OPENSSL, session id longer than the hello, 0303 RANDOM ff00 00021301 0100",
    "JDK, compression methods longer than the hello, 0303 RANDOM 00 00021301 ff00",
    "OPENSSL, compression methods longer than the hello, 0303 RANDOM 00 00021301 ff00",
    "JDK, hello cut inside the random, 0303 0000000000",
    "OPENSSL, hello cut inside the random, 0303 0000000000",
  })
  void aMalformedClientHelloIsRefusedWithAFatalAlert(Provider provider, String what, String hex) {
    byte[] hello = HexFormat.of().parseHex(hex.replace("RANDOM", "00".repeat(32)).replace(" ", ""));
    byte[] message = new byte[4 + hello.length];
    message[0] = 1; // client_hello
    message[2] = (byte) (hello.length >> 8);
    message[3] = (byte) hello.length;
    System.arraycopy(hello, 0, message, 4, hello.length);
    byte[] record = new byte[5 + message.length];
    record[0] = TlsRecords.HANDSHAKE;
    record[1] = 3;
    record[2] = 1;
    record[3] = (byte) (message.length >> 8);
    record[4] = (byte) message.length;
    System.arraycopy(message, 0, record, 5, message.length);
    TlsContext server = Contexts.server(provider, KeyType.EC_P256).build();
    MemoryTransport transport = new MemoryTransport();
    try (TlsEngine engine = TlsEngine.server(server, transport)) {
      transport.feed(record);

      assertThat(engine.handshake()).as(what).isEqualTo(Status.SSL);
      byte[] reply = transport.drainAll();
      assertThat(reply).as("one plaintext fatal alert").hasSize(7);
      assertThat(reply[0] & 0xff).as("content type: alert").isEqualTo(TlsRecords.ALERT);
      assertThat(reply[5]).as("level: fatal").isEqualTo((byte) 2);
      if (provider == Provider.OPENSSL) {
        assertThat(reply[6] & 0xff).as("decode_error").isEqualTo(50);
      } else {
        // JDK 17's SunJSSE sends nothing here and niotls sends decode_error; newer SunJSSE (the
        // JDK 25 CI runs) queues internal_error itself, and the provider's alert is what goes out
        assertThat(reply[6] & 0xff).as("decode_error, or SunJSSE's internal_error").isIn(50, 80);
      }
    }
  }

  /**
   * The client's Finished and a record that cannot be decrypted arrive together: the unwrap that
   * ends the server's handshake also meets the bad record. The server must fail with its alert, not
   * wait for more input with the failure unseen.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.niotls.testing.Matrix#providersAndProtocols")
  void aBadRecordRightBehindTheClientFinishedFailsTheServer(Provider provider, String protocol) {
    Peers peers = new Peers(provider, provider);
    try (MemoryPair pair =
        MemoryPair.builder(
                peers.clientContext(protocol).build(), peers.serverContext(protocol).build())
            .build()) {
      Status client = Status.WANT_READ;
      for (int i = 0; i < 50; i++) {
        client = pair.client.handshake();
        pair.serverTransport.feed(pair.clientTransport.drainAll());
        if (client == Status.OK) {
          break; // the client's last flight waits, unread, in the server's transport
        }
        pair.server.handshake();
        pair.clientTransport.feed(pair.serverTransport.drainAll());
      }
      assertThat(client).isEqualTo(Status.OK);
      byte[] garbage = new byte[5 + 32];
      garbage[0] = TlsRecords.APPLICATION_DATA;
      garbage[1] = 3;
      garbage[2] = 3;
      garbage[4] = 32;
      pair.serverTransport.feed(garbage);

      Status s = pair.server.handshake();
      int n = s.isFatal() ? s.code() : pair.server.read(ByteBuffer.allocate(1024));

      assertThat(n).as("server: %s", pair.server.failure()).isEqualTo(Status.SSL.code());
      pair.clientTransport.feed(pair.serverTransport.drainAll());
      assertThat(pair.client.read(ByteBuffer.allocate(1024)))
          .as("the client reads a fatal alert: %s", pair.client.failure())
          .isEqualTo(Status.SSL.code());
    }
  }
}
