package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.uri.TransportUri;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What {@link ServerStats} reports after real connections: handshake latency, resumptions, what was
 * negotiated, why failures failed, and the bytes the sockets moved.
 */
class ServerStatsTest {
  @ParameterizedTest(name = "{0}")
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void countsLatencyResumptionNegotiationFailuresAndBytes(Provider provider) throws Exception {
    TlsContext server = Contexts.server(provider, KeyType.EC_P256).protocols("TLSv1.2").build();
    TlsContext client = Contexts.client(provider, KeyType.EC_P256).protocols("TLSv1.2").build();
    TlsContext stranger =
        TlsContext.forClient().provider(provider).protocols("TLSv1.2").build(); // trusts no test CA
    try (TlsServer tls =
            TlsServer.bind(TransportUri.parse("tls://127.0.0.1:0"), server, EchoHandler::new);
        TlsClient clients = TlsClient.create()) {
      for (int i = 0; i < 5; i++) { // one full handshake, then resumptions of its session
        Exchange exchange = new Exchange(new byte[1000]);
        clients.connect(tls.uri(), client, exchange);
        exchange.result.get(20, TimeUnit.SECONDS);
      }
      Exchange refused = new Exchange(new byte[10]);
      clients.connect(tls.uri(), stranger, refused);
      assertThat(refused.result).failsWithin(Duration.ofSeconds(20));

      ServerStats stats = awaitClosed(tls, 6);
      assertThat(stats.handshakesCompleted()).isEqualTo(5);
      assertThat(stats.handshakesResumed()).isEqualTo(4);
      assertThat(stats.resumptionRatio()).isEqualTo(0.8);
      assertThat(stats.negotiated()).hasSize(1);
      assertThat(stats.negotiated().keySet().iterator().next()).startsWith("TLSv1.2 TLS_ECDHE_");
      assertThat(stats.negotiated().values().iterator().next()).isEqualTo(5);
      // The client refuses our certificate with an alert: SunJSSE says certificate_unknown;
      // BoringSSL, told by Netty's engine that the trust manager refused, says internal_error.
      String alert =
          provider == Provider.JDK ? "alert certificate_unknown" : "alert internal_error";
      assertThat(stats.handshakeFailures()).containsOnly(java.util.Map.entry(alert, 1L));
      HandshakeLatency latency = stats.handshakeLatency();
      assertThat(latency.count()).isEqualTo(5);
      assertThat(latency.p50()).isPositive().isLessThanOrEqualTo(latency.p99());
      assertThat(latency.p99()).isLessThanOrEqualTo(latency.max());
      assertThat(latency.max()).isLessThan(Duration.ofSeconds(20));
      // 5 × 1000 bytes echoed, each a record of more than 1000 bytes either way, plus handshakes
      assertThat(stats.bytesIn()).isGreaterThan(5 * 1000);
      assertThat(stats.bytesOut()).isGreaterThan(5 * 1000);
    }
  }

  private static ServerStats awaitClosed(TlsServer server, int sessions) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    ServerStats stats = server.stats();
    while (stats.closedBy().values().stream().mapToLong(Long::longValue).sum() < sessions
        && System.nanoTime() < end) {
      Thread.sleep(10);
      stats = server.stats();
    }
    return stats;
  }
}
