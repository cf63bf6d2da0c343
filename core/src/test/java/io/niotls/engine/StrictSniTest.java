package io.niotls.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.testing.MemoryPair;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A server with {@code sniStrict} answers a name it does not serve with the fatal {@code
 * unrecognized_name} alert, and serves the names it does, on every provider.
 */
class StrictSniTest {

  private static TlsContext server(Provider provider) {
    return Contexts.server(provider, KeyType.EC_P256).sniStrict("localhost").build();
  }

  @ParameterizedTest(name = "{0} server")
  @EnumSource(names = {"JDK", "OPENSSL", "BORINGSSL"})
  void aNameTheServerDoesNotServeIsRefusedWithUnrecognizedName(Provider provider) {
    TlsContext client =
        Contexts.client(Provider.JDK, KeyType.EC_P256).serverName("elsewhere.test").build();
    try (MemoryPair pair = MemoryPair.builder(client, server(provider)).build()) {
      Status[] last = pair.handshakeUntilFailure();

      assertThat(last[1]).isEqualTo(Status.SSL);
      assertThat(pair.server.failure().getMessage())
          .containsAnyOf("unrecognized_name", "a server name it does not serve (sniStrict)");
      assertThat(last[0]).isEqualTo(Status.SSL);
      assertThat(pair.client.failure().alert()).isEqualTo("unrecognized_name");
    }
  }

  @ParameterizedTest(name = "{0} server")
  @EnumSource(names = {"JDK", "OPENSSL", "BORINGSSL"})
  void aNameTheServerServesIsAccepted(Provider provider) {
    TlsContext client = Contexts.client(Provider.JDK, KeyType.EC_P256).build();
    try (MemoryPair pair = MemoryPair.builder(client, server(provider)).build()) {
      pair.handshake();
      assertThat(pair.server.session().serverName()).isEqualTo("localhost");
    }
  }
}
