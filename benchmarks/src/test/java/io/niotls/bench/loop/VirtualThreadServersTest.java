package io.niotls.bench.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.bench.vthreads.JavaBinary;
import io.niotls.context.TlsContext;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The virtual-thread servers in their own JVM on a JDK 21+, against the benchmarks' one client:
 * they hold idle connections and count them, complete full handshakes, and echo every byte.
 */
class VirtualThreadServersTest {
  @ParameterizedTest
  @ValueSource(strings = {"vt-channel", "vt-sslsocket"})
  void theServerHoldsHandshakesAndEchoesForTheSameClient(String kind) throws Exception {
    MemoryRun.Spec spec =
        new MemoryRun.Spec(
            kind,
            "JDK",
            "TLSv1.3",
            "127.0.0.1",
            "256m",
            "256m",
            1,
            10,
            List.of(),
            JavaBinary.resolve(null));
    try (MemoryRun run = MemoryRun.start(spec)) {
      run.hold(20); // waits until the server counts all 20
      assertThat(run.sessions()).isEqualTo(20);
      run.closeAll(); // and until it counts none
      assertThat(run.sessions()).isZero();

      ChildServer server = new ChildServer(run);
      TlsContext client = LoopPki.clientContext("TLSv1.3", run.fingerprint());
      try (HandshakeLoad handshakes = HandshakeLoad.start(client, "TLSv1.3", 1)) {
        HandshakeLoad.Round round = handshakes.run(server, 4, 100_000_000L, 300_000_000L);
        assertThat(round.connections()).as("full handshakes in the window").isPositive();
        assertThat(round.serverCpuNanos()).as("server process cpu").isPositive();
      }
      try (EchoLoad echo = EchoLoad.start(client, 1)) {
        EchoLoad.Round round = echo.run(server, 4, 16384, 100_000_000L, 300_000_000L);
        assertThat(round.bytes()).as("bytes echoed in the window").isPositive();
        assertThat(round.megabytesPerSecond()).isPositive();
      }
      // the client saw each close complete; the server's thread may still be closing its socket
      run.closeAll(); // waits (60 s at most) until the server holds none
      assertThat(run.sessions()).as("every connection closed").isZero();
    }
  }
}
