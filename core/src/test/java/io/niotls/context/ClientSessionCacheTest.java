package io.niotls.context;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.testing.Contexts;
import io.niotls.testing.MemoryPair;
import java.util.Collections;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A JDK client that does not resume keeps no pile of sessions: a soak of full handshakes found
 * SunJSSE keeping every one by its id (up to 20,480, heap that grew with each handshake), although
 * sessions made for port -1 are never looked up again.
 */
class ClientSessionCacheTest {
  private static final int HANDSHAKES = 20;

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void aJdkClientWithResumptionOffKeepsAtMostOneSession(String protocol) {
    TlsContext client =
        Contexts.client(Provider.JDK, KeyType.EC_P256)
            .protocols(protocol)
            .sessionResumption(false)
            .build();

    assertThat(sessionsKeptAfterHandshakes(client, protocol)).isLessThanOrEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void aJdkClientWithResumptionOnKeepsItsSessions(String protocol) {
    TlsContext client = Contexts.client(Provider.JDK, KeyType.EC_P256).protocols(protocol).build();

    assertThat(sessionsKeptAfterHandshakes(client, protocol))
        .as("what the other test reads is what the client keeps")
        .isPositive();
  }

  /** Runs handshakes to one server (a byte each way, so tickets are read); sessions kept. */
  private static int sessionsKeptAfterHandshakes(TlsContext client, String protocol) {
    TlsContext server = Contexts.server(Provider.JDK, KeyType.EC_P256).protocols(protocol).build();
    for (int i = 0; i < HANDSHAKES; i++) {
      try (MemoryPair pair = MemoryPair.wholeRecords(client, server)) {
        pair.handshake();
        pair.send(pair.server, pair.client, new byte[] {1});
        pair.send(pair.client, pair.server, new byte[] {2});
      }
    }
    var sessions = ((JdkEngineFactory) client.engineFactory()).clientSessions();
    return Collections.list(sessions.getIds()).size();
  }
}
