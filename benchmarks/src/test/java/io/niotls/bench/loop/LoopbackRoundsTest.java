package io.niotls.bench.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.context.Provider;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The loopback rounds really load every server, and refuse to count failed connections. */
class LoopbackRoundsTest {
  private static final long WINDOW = 300_000_000L;

  @ParameterizedTest
  @CsvSource({"JDK, TLSv1.3", "OPENSSL, TLSv1.2"})
  void oneRoundCompletesFullHandshakesOnEveryServer(Provider provider, String protocol)
      throws Exception {
    try (LoopbackRounds rounds =
        new LoopbackRounds(
            provider, protocol, 1, List.of("niotls", "netty", "openssl"), 4, WINDOW)) {
      rounds.round(new LoopCounters()); // a cold JVM's first JDK handshakes take long
      LoopCounters counters = new LoopCounters();
      rounds.round(counters);
      for (String subject : List.of("TlsServer", "NettyServer", "OpensslServer")) {
        LoopCounters.Sums sums = counters.sums(subject);
        assertThat(sums.ops()).as(subject + " connections").isPositive();
        assertThat(sums.wallNs()).as(subject + " window").isGreaterThanOrEqualTo(WINDOW);
        assertThat(sums.cpuNs()).as(subject + " server cpu").isPositive();
        assertThat(sums.handshakeNs()).as(subject + " handshake time").isPositive();
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"niotls", "netty"})
  void aRoundWithFailedConnectionsIsRefused(String server) throws Exception {
    LoopPki tls12 = LoopPki.create("TLSv1.2");
    LoopPki tls13 = LoopPki.create("TLSv1.3");
    try (LoopbackServer only12 =
            server.equals("niotls")
                ? NiotlsServer.start(tls12.serverContext(Provider.OPENSSL), 1, "127.0.0.1")
                : NettyServer.start(
                    tls12.nettyServerContext(
                        Provider.OPENSSL, tls12.serverContext(Provider.OPENSSL)),
                    1,
                    "127.0.0.1");
        HandshakeLoad client = HandshakeLoad.start(tls13.clientContext(), "TLSv1.3", 1)) {
      assertThatThrownBy(() -> client.run(only12, 2, 10_000_000L, 50_000_000L))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("failed");
    }
  }
}
