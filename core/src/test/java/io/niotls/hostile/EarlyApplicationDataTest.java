package io.niotls.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.context.Provider;
import io.niotls.engine.Status;
import io.niotls.wire.TlsRecords;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Application data before the handshake has finished is refused: nothing of it reaches the
 * application, the peer gets a fatal alert, and the message says what was wrong.
 */
class EarlyApplicationDataTest {
  private static final int UNEXPECTED_MESSAGE = 10;
  private static final byte[] REQUEST =
      "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL", "BORINGSSL"})
  void aServerRefusesApplicationDataAfterTheClientHello(Provider provider) {
    try (Victim server = Victim.server(provider, "TLSv1.2");
        Victim client = Victim.client(Provider.JDK, "TLSv1.2")) {
      client.handshake();
      server.feed(client.output());
      assertThat(server.handshake()).isEqualTo(Status.WANT_READ);
      server.output();
      server.feed(Records.record(TlsRecords.APPLICATION_DATA, REQUEST));

      assertThat(server.read()).isEqualTo(Status.SSL);
      assertThat(server.why())
          .startsWith("the peer sent a record or message that is not allowed at this point")
          .containsAnyOf(
              "Receiving application data before handshake complete", "UNEXPECTED_RECORD");
      assertThat(Records.lastFatalAlert(server.output())).isEqualTo(UNEXPECTED_MESSAGE);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL", "BORINGSSL"})
  void aClientRefusesApplicationDataBeforeTheServerFinished(Provider provider) {
    try (Victim client = Victim.client(provider, "TLSv1.2");
        Victim server = Victim.server(Provider.JDK, "TLSv1.2")) {
      client.handshake();
      server.feed(client.output());
      server.handshake();
      client.feed(server.output()); // ServerHello .. ServerHelloDone, no Finished yet
      client.feed(Records.record(TlsRecords.APPLICATION_DATA, REQUEST));

      assertThat(client.handshake()).isEqualTo(Status.SSL);
      assertThat(client.engine.session()).isNull();
      assertThat(client.why())
          .startsWith("the peer sent a record or message that is not allowed at this point");
      List<Records.Parsed> sent = Records.parse(client.output());
      assertThat(sent.get(sent.size() - 1).type())
          .as("an alert, encrypted: the client had sent its ChangeCipherSpec")
          .isEqualTo(TlsRecords.ALERT);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL", "BORINGSSL"})
  void aServerRefusesApplicationDataAsTheFirstRecord(Provider provider) {
    try (Victim server = Victim.server(provider)) {
      server.feed(Records.record(TlsRecords.APPLICATION_DATA, REQUEST));

      assertThat(server.handshake()).isEqualTo(Status.SSL);
      assertThat(server.why())
          .startsWith("the peer sent a record or message that is not allowed at this point")
          .containsAnyOf("Unrecognized SSL message", "UNEXPECTED_RECORD");
      List<Records.Parsed> reply = Records.parse(server.output());
      assertThat(reply).hasSize(1);
      assertThat(reply.get(0).body()[0]).as("alert level").isEqualTo((byte) Records.FATAL);
    }
  }

  /**
   * In TLS 1.3 everything after the ServerHello is encrypted, so plaintext application data is a
   * record that fails to decrypt.
   */
  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL", "BORINGSSL"})
  void aTls13ServerRefusesPlaintextDataAfterItsHelloAsUndecryptable(Provider provider) {
    try (Victim server = Victim.server(provider, "TLSv1.3");
        Victim client = Victim.client(Provider.JDK, "TLSv1.3")) {
      client.handshake();
      server.feed(client.output());
      server.handshake();
      server.output();
      server.feed(Records.record(TlsRecords.APPLICATION_DATA, REQUEST));

      assertThat(server.read()).isEqualTo(Status.SSL);
      assertThat(server.why())
          .startsWith("a record failed to decrypt")
          .containsAnyOf("Tag mismatch", "BAD_DECRYPT");
    }
  }
}
