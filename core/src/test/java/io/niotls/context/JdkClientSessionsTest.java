package io.niotls.context;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.engine.Status;
import io.niotls.testing.Contexts;
import io.niotls.testing.MemoryPair;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A JDK client that opens several connections to one server at once resumes each of them: SunJSSE
 * keeps one TLS 1.3 session per server and forgets it once a ClientHello offers its ticket, so
 * without several caches only one of four connections opened together resumed.
 */
class JdkClientSessionsTest {

  /**
   * Opens {@code count} connections at once (every ClientHello sent before any handshake goes on),
   * runs each handshake, a byte each way and the close; how many of them resumed.
   */
  private static int resumedOfConcurrent(TlsContext client, TlsContext server, int count) {
    List<MemoryPair> pairs = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        pairs.add(MemoryPair.builder(client, server).host("localhost", 8443).build());
      }
      for (MemoryPair pair : pairs) {
        assertThat(pair.client.handshake()).isEqualTo(Status.WANT_READ);
      }
      int resumed = 0;
      for (MemoryPair pair : pairs) {
        pair.handshake();
        pair.send(pair.server, pair.client, new byte[] {1}); // carries the tickets before it
        pair.send(pair.client, pair.server, new byte[] {2});
        resumed += pair.client.session().resumed() ? 1 : 0;
      }
      return resumed;
    } finally {
      pairs.forEach(MemoryPair::close);
    }
  }

  @ParameterizedTest(name = "{0} server")
  @EnumSource(names = {"JDK", "OPENSSL", "BORINGSSL"})
  void fourConnectionsOpenedTogetherEachResumeInTls13(Provider serverProvider) {
    TlsContext client = Contexts.client(Provider.JDK, KeyType.EC_P256).protocols("TLSv1.3").build();
    TlsContext server =
        Contexts.server(serverProvider, KeyType.EC_P256).protocols("TLSv1.3").build();

    assertThat(resumedOfConcurrent(client, server, 4)).as("first round: full").isZero();
    assertThat(resumedOfConcurrent(client, server, 4)).isEqualTo(4);
    assertThat(resumedOfConcurrent(client, server, 4)).isEqualTo(4);
  }

  @ParameterizedTest(name = "{0} server")
  @EnumSource(names = {"JDK", "BORINGSSL"})
  void tls12SessionsAreSharedByConnectionsOpenedTogether(Provider serverProvider) {
    TlsContext client = Contexts.client(Provider.JDK, KeyType.EC_P256).build();
    TlsContext server =
        Contexts.server(serverProvider, KeyType.EC_P256).protocols("TLSv1.2").build();

    assertThat(resumedOfConcurrent(client, server, 4)).isZero();
    assertThat(resumedOfConcurrent(client, server, 4)).isEqualTo(4);
    assertThat(resumedOfConcurrent(client, server, 4)).isEqualTo(4);
  }

  @Test
  void moreConnectionsAtOnceThanCachesStillWorkAndTheCachesAreBounded() {
    TlsContext client = Contexts.client(Provider.JDK, KeyType.EC_P256).protocols("TLSv1.3").build();
    TlsContext server = Contexts.server(Provider.JDK, KeyType.EC_P256).protocols("TLSv1.3").build();
    int many = JdkClientSessions.LIMIT + 4;

    resumedOfConcurrent(client, server, many);
    int resumed = resumedOfConcurrent(client, server, many);

    assertThat(((JdkEngineFactory) client.engineFactory()).sessionCaches())
        .isEqualTo(JdkClientSessions.LIMIT);
    assertThat(resumed)
        .as("one per cache at least (the rest share the first cache, whose ticket is refilled)")
        .isGreaterThanOrEqualTo(JdkClientSessions.LIMIT);
  }
}
