package io.niotls.bench.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The loopback tables read from JMH's JSON. */
class LoopReportTest {
  private static String metric(String name, double score, double... perIteration) {
    StringBuilder raw = new StringBuilder();
    for (double v : perIteration) {
      raw.append(raw.length() == 0 ? "" : ",").append(v);
    }
    return "\"" + name + "\":{\"score\":" + score + ",\"rawData\":[[" + raw + "]]}";
  }

  @Test
  void ratiosCompareRatesByWallClockAndServerCpu() throws IOException {
    String json =
        "[{\"benchmark\":\"io.niotls.bench.loop.PairedFullHandshakeBenchmark.rounds\","
            + "\"params\":{\"provider\":\"OPENSSL\"},\"secondaryMetrics\":{"
            + String.join(
                ",",
                metric("tlsServerOps", 3000, 1000, 2000),
                metric("tlsServerWallNs", 2e9, 1e9, 1e9),
                metric("tlsServerCpuNs", 6e8),
                metric("tlsServerClientCpuNs", 9e8),
                metric("tlsServerHandshakeNs", 3e10),
                metric("tlsServerCloseNs", 1.5e10),
                metric("nettyServerOps", 2000, 1000, 1000),
                metric("nettyServerWallNs", 2e9, 1e9, 1e9),
                metric("nettyServerCpuNs", 8e8),
                metric("nettyServerClientCpuNs", 6e8),
                metric("nettyServerHandshakeNs", 4e10),
                metric("nettyServerCloseNs", 2e10))
            + "}}]";
    String report = LoopReport.report(json);
    assertThat(report)
        .startsWith("PairedFullHandshakeBenchmark.rounds {provider=OPENSSL}\n")
        .contains("niotls       1500 handshakes/s  server   200.0 us cpu/handshake")
        .contains("handshake   10.00 ms  close    5.00 ms")
        .contains("netty        1000 handshakes/s  server   400.0 us cpu/handshake")
        .contains("niotls/netty   wall 1.500 (1.000-2.000)  server cpu 2.000")
        .doesNotContain("openssl");
  }
}
