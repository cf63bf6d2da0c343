package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.datagram.DtlsEngine;
import io.niotls.testing.ChildProcess;
import io.niotls.testing.TestPki;
import io.niotls.uri.TransportUri;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code openssl s_client -dtls1_2} to the niotls DTLS server through a {@link LossyUdpProxy} that
 * drops 20%, duplicates 20% and reorders 30% of the datagrams each way.
 *
 * <p>The client runs with {@code -nbio}. Without it s_client reads a blocking socket, and once the
 * handshake is done a datagram that carries no application data (a duplicate from the network, a
 * copy of the server's last flight) leaves it blocked inside {@code SSL_read} until the next
 * datagram comes, deaf to its own end of input: OpenSSL reads on for application data after
 * discarding such a record. That is s_client's limit, not the server's; openssl s_server through
 * the same proxy hangs it the same way (see benchmarks/results/DTLS.md).
 */
class DatagramLossyInteropTest {
  private static final Duration LIMIT = Duration.ofSeconds(40);
  private static TlsEventLoopGroup group;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    group = TlsEventLoopGroup.create(1);
  }

  @AfterAll
  static void stop() {
    group.close();
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void opensslClientCompletesTheHandshakeThroughALossyPathGetsEchoesAndExitsAtEndOfInput(long seed)
      throws Exception {
    TestPki.ec().ca().writeCertificatePem(dir.resolve("ca.pem"));
    DatagramLoopTest.Inbox inbox = new DatagramLoopTest.Inbox(true);
    try (DatagramServer server =
            DatagramServer.bind(
                TransportUri.parse("dtls://127.0.0.1:0"),
                DatagramLoopTest.serverContext(),
                inbox,
                group,
                DtlsEngine.DEFAULT_MAX_PACKET);
        LossyUdpProxy proxy = new LossyUdpProxy(server.localAddress(), seed, 0.2, 0.2, 0.3);
        ChildProcess client =
            ChildProcess.inDirectory(
                dir,
                "openssl",
                "s_client",
                "-dtls1_2",
                "-nbio",
                "-connect",
                "127.0.0.1:" + proxy.address().getPort(),
                "-servername",
                "localhost",
                "-CAfile",
                "ca.pem",
                "-verify_return_error")) {
      client.await("Verify return code: 0 (ok)", LIMIT);

      // application data is not retransmitted: a datagram or its echo may be lost, so send until
      // one comes back
      boolean echoed = false;
      for (int i = 0; i < 40 && !echoed; i++) {
        client.sendLine("ping " + i);
        Thread.sleep(250);
        echoed = client.out().contains("\nping ");
      }
      assertThat(echoed).as("an echo through %s; s_client said %s", proxy, client.out()).isTrue();
      assertThat(inbox.received.poll(1, TimeUnit.SECONDS)).startsWith("ping ");
      client.endInput();

      assertThat(client.exited(Duration.ofSeconds(10)))
          .as("s_client exits at end of input; it said %s", client.out())
          .isTrue();
      assertThat(client.exitValue()).isZero();
    }
  }
}
