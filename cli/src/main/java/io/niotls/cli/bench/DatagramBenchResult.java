package io.niotls.cli.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * A DTLS bench run: the TLS bench's {@link BenchResult} (handshakes, latency, failures, in its own
 * words and fields) plus the datagram round trips. JSON adds {@code mtu}, {@code payloadBytes},
 * {@code roundTrips} and {@code roundTripMs} after the TLS bench's fields; the text report adds two
 * lines.
 *
 * @param result the handshakes: a connection counts as one once its echo came back
 * @param mtu the largest datagram either side sent
 * @param payloadBytes the datagram echoed after each handshake; 0 when none was
 * @param roundTrips each echo's time from send to arrival
 */
public record DatagramBenchResult(
    BenchResult result, int mtu, int payloadBytes, BenchStats roundTrips) {

  /** One JSON object on one line: {@link BenchResult#toJson()}'s fields, then the datagram ones. */
  public String toJson() {
    ObjectMapper mapper =
        JsonMapper.builder().enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build();
    try {
      ObjectNode json = (ObjectNode) mapper.readTree(result.toJson());
      json.put("mtu", mtu)
          .put("payloadBytes", payloadBytes)
          .put("roundTrips", roundTrips.handshakes());
      json.putObject("roundTripMs")
          .put("p50", BenchResult.rounded(roundTrips.latencyMillis(50)))
          .put("p90", BenchResult.rounded(roundTrips.latencyMillis(90)))
          .put("p99", BenchResult.rounded(roundTrips.latencyMillis(99)))
          .put("max", BenchResult.rounded(roundTrips.maxLatencyMillis()))
          .put("mean", BenchResult.rounded(roundTrips.meanLatencyMillis()));
      return mapper.writeValueAsString(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the bench's own JSON did not read back", e);
    }
  }

  /** {@link BenchResult#toText()} and the round trips, aligned with it. */
  public String toText() {
    String roundTripLine =
        payloadBytes == 0
            ? "none (--payload 0)"
            : String.format(
                Locale.ROOT,
                "%d datagrams of %d bytes echoed; ms p50 %.2f   p90 %.2f   p99 %.2f   max %.2f",
                roundTrips.handshakes(),
                payloadBytes,
                roundTrips.latencyMillis(50),
                roundTrips.latencyMillis(90),
                roundTrips.latencyMillis(99),
                roundTrips.maxLatencyMillis());
    return result.toText()
        + String.format(Locale.ROOT, "  %-14s %s%n", "round trips", roundTripLine)
        + String.format(Locale.ROOT, "  %-14s %d bytes%n", "mtu", mtu);
  }
}
