package io.niotls.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.context.TlsContext;
import io.niotls.testing.MemoryPair;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Session resumption: a second connection to the same host and port, from the same client context
 * to the same server context, resumes the first one's session, and both sides say so.
 */
interface ResumptionContract extends Contract {
  byte[] REQUEST = "ping".getBytes(StandardCharsets.US_ASCII);
  byte[] RESPONSE = "pong".getBytes(StandardCharsets.US_ASCII);

  /**
   * One connection's life: handshake, a request and its response, close_notify both ways. TLS 1.3
   * tickets arrive after the handshake (BoringSSL sends them with its first write), so the response
   * is what carries them to the client.
   */
  private boolean[] connect(TlsContext client, TlsContext server) {
    try (MemoryPair pair = MemoryPair.builder(client, server).build()) {
      pair.handshake();
      assertThat(pair.send(pair.client, pair.server, REQUEST)).isEqualTo(REQUEST);
      assertThat(pair.send(pair.server, pair.client, RESPONSE)).isEqualTo(RESPONSE);
      assertThat(pair.client.shutdown()).isEqualTo(Status.SENT);
      pair.pumpAll();
      assertThat(pair.readAll(pair.server).status()).isEqualTo(Status.ZERO_RETURN);
      assertThat(pair.server.shutdown()).isEqualTo(Status.DONE);
      pair.pumpAll();
      assertThat(pair.client.shutdown()).isEqualTo(Status.DONE);
      return new boolean[] {pair.client.session().resumed(), pair.server.session().resumed()};
    }
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("io.niotls.engine.Cases#PROTOCOLS")
  default void theSecondConnectionResumesTheFirstSession(String protocol) {
    TlsContext client = peers().clientContext(protocol).build();
    TlsContext server = peers().serverContext(protocol).build();

    assertThat(connect(client, server))
        .as("first connection: client, server")
        .containsExactly(false, false);
    assertThat(connect(client, server))
        .as("second connection: client, server")
        .containsExactly(true, true);
  }

  @Test
  default void aClientWithResumptionOffStartsAfreshEveryTime() {
    TlsContext client = peers().clientContext("TLSv1.2").sessionResumption(false).build();
    TlsContext server = peers().serverContext("TLSv1.2").build();

    assertThat(connect(client, server)).containsExactly(false, false);
    assertThat(connect(client, server)).containsExactly(false, false);
  }
}
