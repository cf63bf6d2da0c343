package io.niotls.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.netty.LoopbackCloseTest.Conversation;
import io.niotls.testing.Contexts;
import io.niotls.testing.OpensslCa;
import io.niotls.testing.OpensslServerProcess;
import io.niotls.testing.Peers;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A TlsHandler client that only handshakes and closes resumes next time, as the loop's clients and
 * TlsChannel do: a TLS 1.3 server sends its tickets only once it has the client's Finished, so a
 * client that closes at once must wait for them briefly before its close_notify.
 */
class ShortLivedClientResumptionTest {
  private static final long T = Loopback.TIMEOUT_SECONDS;

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("io.niotls.testing.Peers#pairingsAndProtocols")
  void aClientThatOnlyHandshakesResumesTheNextConnection(Peers peers, String protocol)
      throws Exception {
    TlsContext client = peers.clientContext(protocol).build();
    TlsContext server = peers.serverContext(protocol).build();
    try (Loopback net = new Loopback()) {
      int port =
          net.listen(ch -> ch.pipeline().addLast(TlsHandler.server(server), new Conversation()));
      boolean[] resumed = new boolean[3];
      for (int i = 0; i < resumed.length; i++) {
        Conversation ours = new Conversation();
        Channel ch =
            net.connect(p -> p.addLast(TlsHandler.client(client, "localhost", port), ours));
        ours.established.get(T, TimeUnit.SECONDS);
        resumed[i] = ch.pipeline().get(TlsHandler.class).session().resumed();
        ch.close().sync(); // at once: nothing read or written after the handshake
      }
      assertThat(resumed).containsExactly(false, true, true);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void aClientThatOnlyHandshakesResumesWithOpensslsServer(Provider provider, @TempDir Path dir)
      throws Exception {
    OpensslCa ca = OpensslCa.root(dir.resolve("ca"), "niotls adapter ticket CA");
    Path leaf = ca.leaf("server");
    TlsContext client =
        TlsContext.forClient().provider(provider).trustPem(ca.certificate()).build();
    try (OpensslServerProcess server =
            OpensslServerProcess.start(
                dir,
                3,
                "-cert",
                leaf.toString(),
                "-key",
                ca.file("server.key").toString(),
                "-tls1_3");
        Loopback net = new Loopback()) {
      int port = server.port();
      boolean[] resumed = new boolean[3];
      for (int i = 0; i < resumed.length; i++) {
        Conversation ours = new Conversation();
        Channel ch =
            net.connect(port, p -> p.addLast(TlsHandler.client(client, "localhost", port), ours));
        ours.established.get(T, TimeUnit.SECONDS);
        resumed[i] = ch.pipeline().get(TlsHandler.class).session().resumed();
        ch.close().sync(); // at once: nothing read or written after the handshake
      }
      assertThat(resumed).containsExactly(false, true, true);
    } finally {
      client.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void aServerThatSendsNoTicketsHoldsTheCloseUpOnlyBriefly(Provider provider) throws Exception {
    TlsContext client = Contexts.client(provider, KeyType.EC_P256).protocols("TLSv1.3").build();
    TlsContext server =
        Contexts.server(Provider.BORINGSSL, KeyType.EC_P256)
            .protocols("TLSv1.3")
            .sessionTickets(false)
            .build();
    try (Loopback net = new Loopback()) {
      int port =
          net.listen(ch -> ch.pipeline().addLast(TlsHandler.server(server), new Conversation()));
      Conversation ours = new Conversation();
      Channel ch = net.connect(p -> p.addLast(TlsHandler.client(client, "localhost", port), ours));
      ours.established.get(T, TimeUnit.SECONDS);
      long start = System.nanoTime();
      ch.close().sync();
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      // it waited for tickets that never came, and no longer than its bound (with room for a
      // loaded machine's scheduling)
      assertThat(millis).isBetween(CloseAfterTickets.MIN_MILLIS, 1_000L);
    }
  }
}
